"""One row by id, read or locked: the id parsing and the row lock every repository needs, written once.

Ids reach repositories from URLs, cursors and messages. One that is not a UUID names no row, so
``parse_uuid`` answers None rather than letting the field's validation or the database raise.

There is one row-lock style: ``SELECT ... FOR UPDATE`` on the row being changed, held until the unit of
work's transaction ends (SQLite has no row locks and ignores it). Leases on a column (``locked_until``:
outbox, ERP sync) are a different tool, for work that outlives a transaction.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.db.models import Manager, Model, QuerySet

M = TypeVar("M", bound=Model)


def parse_uuid(raw: object) -> uuid.UUID | None:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def first_row(rows: QuerySet[M] | Manager[M], *, for_update: bool = False) -> M | None:
    """The first of ``rows``; with ``for_update`` it stays locked until the transaction ends."""
    return (rows.select_for_update() if for_update else rows.all()).first()


def row_by_id(rows: QuerySet[M] | Manager[M], raw_id: object, *, for_update: bool = False) -> M | None:
    """The row whose UUID primary key is ``raw_id``; None for no such row or an id that is no UUID."""
    key = parse_uuid(raw_id)
    if key is None:
        return None
    return first_row(rows.filter(pk=key), for_update=for_update)
