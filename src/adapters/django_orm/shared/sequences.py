"""Gap-free counters: the next number of a sequence, one row per sequence (an invoice month).

Invoice numbers must be unique and without gaps, so the number is taken in the invoice's own transaction:
the counter row is created if missing (a concurrent creator makes that a no-op), then locked with
``SELECT ... FOR UPDATE`` until commit. A second issuer waits for the first and takes the next number; a
rolled-back invoice gives its number back with the rollback.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def next_in_sequence(counter: type[Model], key: str) -> int:
    """``counter`` is a model keyed by ``key`` (its primary key) with a ``last_number`` field."""
    rows = counter._default_manager
    rows.bulk_create([counter(pk=key, last_number=0)], ignore_conflicts=True)
    row: Any = rows.select_for_update().get(pk=key)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return int(row.last_number)
