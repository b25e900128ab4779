"""Keyset pagination for any queryset ordered newest first by (timestamp, id)."""

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
) -> Page[T]:
    """One indexed range scan per page, whatever its depth; rows inserted meanwhile never shift it."""
    if page.after is not None:
        after = page.after
        try:
            queryset = queryset.filter(
                Q(**{f"{time_field}__lt": after.created_at}) | Q(**{time_field: after.created_at, "pk__lt": after.id})
            )
        except (ValidationError, ValueError, TypeError, OverflowError):
            # A crafted cursor (an id of the wrong type for this list): the client's error, not ours.
            raise InvalidInput("cursor is not valid", code="invalid_cursor", field="cursor") from None
    rows = list(queryset.order_by(f"-{time_field}", "-pk")[: page.limit + 1])
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = None
    if has_more and rows:
        last: Any = rows[-1]
        next_cursor = encode_cursor(CursorPosition(created_at=getattr(last, time_field), id=str(last.pk)))
    return Page(items=[to_domain(row) for row in rows], next_cursor=next_cursor)


def uuid_keyed(page: PageRequest) -> PageRequest:
    """For tables keyed by UUID: a forged cursor must be a 422, not a database error."""
    if page.after is None:
        return page
    try:
        row_id = str(uuid.UUID(page.after.id))
    except ValueError:
        raise InvalidInput("cursor is not valid", code="invalid_cursor", field="cursor") from None
    created_at = page.after.created_at
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return PageRequest(limit=page.limit, after=CursorPosition(created_at=created_at, id=row_id))
