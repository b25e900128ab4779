"""The in-memory ``InvoiceNumbers`` (application/shared/invoice_numbers.py) every unit test numbers invoices with.

It keeps the Django adapter's rules (tests/contracts/test_invoice_numbers.py holds both to them): each
series counts on its own, from 1 in each month, formatted by the series. A unit of work that snapshots
its repositories gives a number back on rollback by restoring ``counts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.shared.invoice_series import InvoiceSeries


@dataclass
class MemoryInvoiceNumbers:
    counts: dict[tuple[InvoiceSeries, str], int] = field(default_factory=dict)

    def next_number(self, series: InvoiceSeries, period: str) -> str:
        sequence = self.counts.get((series, period), 0) + 1
        number = series.number(period, sequence)
        self.counts[(series, period)] = sequence
        return number
