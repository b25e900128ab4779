"""Keyset (cursor) pagination, shared by every list.

A cursor is an opaque token naming the last row of the previous page by (created_at, id).
Pages are ordered newest first; inserts never shift a page already handed out, and the cost
of a page does not grow with its depth.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from application.shared.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class CursorPosition:
    created_at: datetime
    id: str


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: CursorPosition | None = None

    @classmethod
    def build(cls, *, limit: int | None, cursor: str | None) -> PageRequest:
        size = DEFAULT_LIMIT if limit is None else limit
        if size < 1 or size > MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", code="invalid_limit", field="limit")
        return cls(limit=size, after=decode_cursor(cursor) if cursor else None)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(position: CursorPosition) -> str:
    raw = json.dumps({"t": position.created_at.isoformat(), "id": position.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> CursorPosition:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        created_at = datetime.fromisoformat(data["t"])
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        # Stored times are UTC: a crafted offset at the calendar's edge must fail here, not in the database.
        created_at = created_at.astimezone(UTC)
        row_id = data["id"]
        if not isinstance(row_id, str | int) or isinstance(row_id, bool) or not str(row_id).isprintable():
            raise ValueError("bad id")
        return CursorPosition(created_at=created_at, id=str(row_id)[:100])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        raise InvalidInput("cursor is not valid", code="invalid_cursor", field="cursor") from None
