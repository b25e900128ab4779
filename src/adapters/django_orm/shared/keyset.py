"""Keyset pagination for any queryset ordered newest first by (timestamp, id).

A cursor's id comes from the client: ``cursor_id`` turns it into the primary key's type and refuses what
cannot be one (``uuid_cursor_id``, ``bigint_cursor_id``), so a forged cursor is a 422, never a database
error. The default passes it on and lets the field's own validation refuse it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, Page, PageRequest, encode_cursor

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def keyset_page(
    queryset: QuerySet[M],
    page: PageRequest,
    to_domain: Callable[[M], T],
    *,
    time_field: str = "created_at",
    cursor_id: Callable[[str], object] = str,
) -> Page[T]:
    """One indexed range scan per page, whatever its depth; rows inserted meanwhile never shift it."""
    if page.after is not None:
        after = page.after
        # Stored times are aware (UTC); a position built without a zone means UTC too.
        created_at = after.created_at if after.created_at.tzinfo else after.created_at.replace(tzinfo=UTC)
        try:
            row_id = cursor_id(after.id)
            queryset = queryset.filter(
                Q(**{f"{time_field}__lt": created_at}) | Q(**{time_field: created_at, "pk__lt": row_id})
            )
        except (ValidationError, ValueError, TypeError, OverflowError):
            # A crafted cursor (an id of the wrong type for this list): the client's error, not ours.
            raise InvalidInput("cursor is not valid", code="invalid_cursor", field="cursor") from None
    rows = list(queryset.order_by(f"-{time_field}", "-pk")[: page.limit + 1])
    return page_of(rows, page, to_domain, time_field=time_field)


def page_of(
    rows: list[M], page: PageRequest, to_domain: Callable[[M], T], *, time_field: str = "created_at"
) -> Page[T]:
    """The page of up to ``page.limit + 1`` rows read newest first: the extra row says there is more."""
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = None
    if has_more and rows:
        last: Any = rows[-1]
        next_cursor = encode_cursor(CursorPosition(created_at=getattr(last, time_field), id=str(last.pk)))
    return Page(items=[to_domain(row) for row in rows], next_cursor=next_cursor)


def uuid_cursor_id(raw: str) -> uuid.UUID:
    return uuid.UUID(raw)


def bigint_cursor_id(raw: str) -> int:
    """An auto-incremented bigint key: positive and below 2**63 (PostgreSQL would refuse a larger one)."""
    row_id = int(raw)
    if not 0 < row_id < 2**63:
        raise ValueError("out of range")
    return row_id
