"""Invoice numbers: the ``InvoiceNumbers`` port over gap-free counters, one row per series and month.

Invoice numbers must be unique and without gaps, so the number is taken in the invoice's own transaction:
the counter row is created if missing (a concurrent creator makes that a no-op), then locked with
``SELECT ... FOR UPDATE`` until commit. A second issuer waits for the first and takes the next number; a
rolled-back invoice gives its number back with the rollback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from domain.shared.invoice_series import InvoiceSeries, check_period


class DjangoInvoiceNumbers:
    """``counters``: the table each series counts in, a model keyed by the month (``YYYYMM``, its primary
    key) with a ``last_number`` field. Each context's series keeps the table it has always counted in."""

    def __init__(self, counters: Mapping[InvoiceSeries, type[Model]]) -> None:
        self._counters = dict(counters)

    def next_number(self, series: InvoiceSeries, period: str) -> str:
        counter = self._counters.get(series)
        if counter is None:
            raise LookupError(f"no counter table is wired for the {series.prefix} invoice series")
        return series.number(period, next_in_sequence(counter, check_period(period)))


def next_in_sequence(counter: type[Model], key: str) -> int:
    rows = counter._default_manager
    rows.bulk_create([counter(pk=key, last_number=0)], ignore_conflicts=True)
    row: Any = rows.select_for_update().get(pk=key)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return int(row.last_number)
