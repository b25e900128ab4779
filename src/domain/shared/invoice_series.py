"""How one kind of invoice is numbered: ``PREFIX-YYYYMM-NNNN``, gap-free, counted per calendar month.

A series is its prefix and the width its count is zero-padded to (a month past that width prints
more digits). Each series counts on its own; the counter itself is behind the ``InvoiceNumbers`` port
(application/shared/invoice_numbers.py), which takes the next count and formats it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.shared.errors import InvalidValue

_PERIOD = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class InvoiceSeries:
    prefix: str
    digits: int

    def number(self, period: str, sequence: int) -> str:
        """``period`` is the month the count belongs to, ``YYYYMM``."""
        if sequence < 1:
            raise InvalidValue("invoice sequence starts at 1", code="invalid_sequence")
        return f"{self.prefix}-{check_period(period)}-{sequence:0{self.digits}d}"

    @property
    def pattern(self) -> re.Pattern[str]:
        """What every number of the series looks like."""
        return re.compile(rf"^{re.escape(self.prefix)}-\d{{6}}-\d{{{self.digits},}}$")


def check_period(period: str) -> str:
    """A counter's month, ``YYYYMM``; checked before a counter is taken for it."""
    if not _PERIOD.match(period):
        raise InvalidValue(f"invoice period {period!r} is not YYYYMM", code="invalid_period")
    return period
