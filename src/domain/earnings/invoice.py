"""Reseller invoices: one document per issue, gathering approved commissions of a calendar month.

Numbers are ``INV-YYYYMM-NNNN`` where YYYYMM is the invoiced period and NNNN counts the
invoices issued for that period from 0001, without gaps (the counter is taken under a row lock
in the issuing transaction, so a rolled-back issue gives its number back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from domain.shared.errors import InvalidValue
from domain.shared.invoice_series import InvoiceSeries

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str) -> Period:
        match = _PERIOD.match((raw or "").strip())
        if not match:
            raise InvalidValue("period must look like YYYY-MM", code="invalid_period", field="period")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 2000:
            raise InvalidValue("period must be a real month", code="invalid_period", field="period")
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime) -> Period:
        moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=UTC)

    @property
    def compact(self) -> str:
        return f"{self.year:04d}{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


# Numbered by period.compact: the invoiced month, not the month of issue.
INVOICE_SERIES = InvoiceSeries(prefix="INV", digits=4)


class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    PAID = "paid"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    commission_id: str
    kind: str
    payment_id: str
    description: str
    sale_minor: int
    amount_minor: int
    earned_at: datetime


@dataclass(kw_only=True)
class Invoice:
    id: str
    number: str
    reseller_id: str
    period: Period
    currency: str
    total_minor: int
    status: InvoiceStatus = InvoiceStatus.ISSUED
    issued_by: str = ""
    issued_at: datetime
    paid_at: datetime | None = None
    pdf_ready: bool = False
    lines: list[InvoiceLine] = field(default_factory=list)

    def mark_paid(self, *, now: datetime) -> None:
        if self.status is InvoiceStatus.ISSUED:
            self.status, self.paid_at = InvoiceStatus.PAID, now
