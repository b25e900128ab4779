"""Marketplace invoices: numbering and the arithmetic of lines, tax and totals.

Tax is a percentage set by configuration (``MARKETPLACE_TAX_RATE``, "0" = none), added on top of
the variant price when the order is placed and frozen into the order, so an invoice shows what
the buyer was charged even if the rate changes later. Amounts are minor units; tax rounds half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.shared.errors import InvalidValue
from domain.shared.invoice_series import InvoiceSeries
from domain.shared.money import Money

# ``MKT-YYYYMM-NNNNN``: a sequence per calendar month of issue (UTC), five digits or more.
INVOICE_SERIES = InvoiceSeries(prefix="MKT", digits=5)
NUMBER_PATTERN = INVOICE_SERIES.pattern


def invoice_period(issued_at: datetime) -> str:
    return f"{issued_at.year:04d}{issued_at.month:02d}"


def parse_tax_rate(raw: str | Decimal | int) -> Decimal:
    """A percentage between 0 and 100 ("18", "12.5")."""
    try:
        rate = Decimal(str(raw).strip() or "0")
    except InvalidOperation:
        raise InvalidValue(f"tax rate {raw!r} is not a number", code="invalid_tax_rate") from None
    if not rate.is_finite() or rate < 0 or rate > 100:
        raise InvalidValue("tax rate must be a percentage from 0 to 100", code="invalid_tax_rate")
    return rate.normalize() if rate else Decimal(0)


def tax_on(subtotal: Money, rate_percent: Decimal) -> Money:
    amount = (Decimal(subtotal.minor) * rate_percent / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Money(int(amount), subtotal.currency)


@dataclass(frozen=True, slots=True)
class Charge:
    """What one order line costs: unit price times quantity, tax on top."""

    unit_price: Money
    quantity: int
    subtotal: Money
    tax_rate: Decimal
    tax: Money
    total: Money

    @classmethod
    def compute(cls, *, unit_price: Money, quantity: int, tax_rate: Decimal) -> Charge:
        subtotal = Money(unit_price.minor * quantity, unit_price.currency)
        tax = tax_on(subtotal, tax_rate)
        return cls(
            unit_price=unit_price,
            quantity=quantity,
            subtotal=subtotal,
            tax_rate=tax_rate,
            tax=tax,
            total=subtotal + tax,
        )


@dataclass(frozen=True, slots=True)
class Party:
    """Seller or buyer as printed on the invoice, copied at issue time."""

    id: str
    name: str
    email: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_price: Money
    amount: Money


@dataclass(kw_only=True)
class Invoice:
    order_id: str
    number: str
    issued_at: datetime
    seller: Party
    buyer: Party
    lines: list[InvoiceLine] = field(default_factory=list)
    subtotal: Money
    tax_rate: Decimal
    tax: Money
    total: Money
    payment_reference: str = ""

    def __post_init__(self) -> None:
        if not NUMBER_PATTERN.match(self.number):
            raise InvalidValue(f"{self.number!r} is not an invoice number", code="invalid_invoice_number")
        lines_total = sum((line.amount.minor for line in self.lines), 0)
        if lines_total != self.subtotal.minor or self.subtotal + self.tax != self.total:
            raise InvalidValue("invoice totals do not add up", code="invoice_totals_mismatch")

    @property
    def has_tax(self) -> bool:
        return self.tax_rate > 0
