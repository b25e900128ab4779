"""What a row locked in this unit of work held when it was read, so saving its aggregate sends only the
columns that changed.

A save used to rewrite every column of the row. Under the row lock, taken in the same transaction as
the save, nothing else can change the row in between, so the columns that still hold what was read need
not be sent: the row ends the same. The remembered values are those of the unit of work's write batch
(``write_batch.current_batch``): a save in another unit of work, or a second save of the same aggregate
(whose first save may have been rolled back to a savepoint since), sends every column as before.
"""

from __future__ import annotations

import weakref
from typing import Any

from adapters.django_orm.platform.write_batch import WriteBatch

# Per open write batch (gone with it): row key -> (the aggregate read from it, the row's values as read), or
# None once two aggregates were read from one row (then each saves every column, the last save winning).
_read: weakref.WeakKeyDictionary[WriteBatch, dict[Any, tuple[Any, dict[str, Any]] | None]] = weakref.WeakKeyDictionary()


def remember(batch: WriteBatch | None, key: Any, aggregate: Any, row: dict[str, Any]) -> None:
    """``row`` (attribute name -> value, as read under lock) is what ``aggregate`` was built from;
    ``key`` names the row (model and primary key)."""
    if batch is None:
        return
    kept = _read.get(batch)
    if kept is None:
        kept = _read[batch] = {}
    kept[key] = None if key in kept else (aggregate, row)  # a second read of the row: neither diffs


def changed(batch: WriteBatch | None, key: Any, aggregate: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The ``fields`` to write for ``aggregate``: those that differ from its row as read under lock in this
    batch's unit of work (its first save only), otherwise all of them."""
    kept = _read.get(batch) if batch is not None else None
    found = kept.pop(key, None) if kept else None
    if found is None or found[0] is not aggregate:
        return fields
    row = found[1]
    missing = object()
    return {name: value for name, value in fields.items() if row.get(name, missing) != value}
