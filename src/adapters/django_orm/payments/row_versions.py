"""Rows a later unit of work may take as known instead of reading them again (PostgreSQL).

A payment's answer (phase 3) changes the payment that phase 1 wrote and the order phase 1 read, a few
milliseconds earlier in the same request. Reading both again under lock costs a round trip and the
decoding of two wide rows; almost always they are exactly what phase 1 saw. So the repository notes the
version of a row it read or wrote (PostgreSQL's ``xmin``: every UPDATE makes a new version, a lock does
not) with the aggregate built from it, and ``hold`` lets a unit of work take that aggregate as the row's
current state: its write batch then ends with a guard that locks each held row and checks it is still
that version, in the same statement as the writes (``WriteBatch.require_version``). If any is not, the
statement fails whole, nothing is written, and the unit of work raises ``RowChanged``: the use case then
reads the rows under lock as before.

A version is taken once (a second unit of work must read the row again) and forgotten with its aggregate.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db.models import Model

from adapters.django_orm.payments import locked_rows
from adapters.django_orm.platform import write_batch

# id(aggregate) -> (the aggregate, weakly; its model; its primary key; the row's version; the row as read).
_known: dict[int, tuple[weakref.ref[Any], type[Model], Any, str, dict[str, Any]]] = {}


def note(aggregate: Any, model: type[Model], pk: Any, version: str | None, row: dict[str, Any]) -> None:
    """``aggregate`` was built from (or written as) version ``version`` of its row, whose values by
    attribute name were ``row`` (kept as they are: the caller hands over a copy it will not change)."""
    if version is None:
        return
    key = id(aggregate)

    def forget(_: Any) -> None:
        _known.pop(key, None)

    _known[key] = (weakref.ref(aggregate, forget), model, pk, version, row)


def hold(aggregate: Any) -> bool:
    """Takes ``aggregate`` as its row's current state in the unit of work open on PostgreSQL: the row is
    locked and checked when the unit's writes go out (see the module docstring). False when its version
    is not known (or no such unit is open): read the row under lock instead."""
    found = _known.pop(id(aggregate), None)
    if found is None:
        return False
    ref, model, pk, version, row = found
    batch = write_batch.current_batch()
    if ref() is not aggregate or batch is None or batch.connection.vendor != "postgresql":
        return False
    batch.require_version(model, pk, version)
    locked_rows.remember(batch, (model, pk), aggregate, row)
    return True
