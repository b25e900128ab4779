"""The one port that numbers invoices, whatever the context: the next number of a series in a month."""

from __future__ import annotations

from typing import Protocol

from domain.shared.invoice_series import InvoiceSeries


class InvoiceNumbers(Protocol):
    def next_number(self, series: InvoiceSeries, period: str) -> str:
        """The next number of ``series`` in ``period`` (``YYYYMM``), formatted by the series.

        Gap-free: taken in the caller's unit of work under a lock held until it ends, so a concurrent
        issuer waits and takes the next one, and a rollback gives the number back.
        """
        ...
