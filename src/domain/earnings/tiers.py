"""Reseller tiers: trailing-sales thresholds and the commission each tier earns (seed 003).

A tier pays ``rate`` percent of the sale plus a ``bonus`` percent *of that commission*:
gold (20 %, bonus 10 %) earns 20 % + 10 % x 20 % = 22 % of the sale. Percentages are kept
in basis points (1 % = 100 bps) and amounts in integer minor units, so every figure is exact.
The table itself is configuration (a database table the back office edits); DEFAULT_TIERS is
only what a fresh installation starts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.shared.errors import InvalidValue

BPS_PER_PERCENT = 100
FULL_BPS = 100 * BPS_PER_PERCENT  # 100 %
_TIER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    min_sales_minor: int  # trailing 12-month attributed sales, program currency, minor units
    rate_bps: int  # commission, basis points of the sale
    bonus_bps: int  # tier bonus, basis points of the commission

    def __post_init__(self) -> None:
        if not _TIER_NAME.match(self.name):
            raise InvalidValue(
                f"Tier name {self.name!r} must be 1-32 lowercase letters, digits, '-' or '_'",
                code="invalid_tier",
                field="tiers",
            )
        for label, value, high in (
            ("min_sales", self.min_sales_minor, None),
            ("commission_rate", self.rate_bps, FULL_BPS),
            ("bonus_rate", self.bonus_bps, FULL_BPS),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (high and value > high):
                raise InvalidValue(f"Tier {self.name}: {label} is out of range", code="invalid_tier", field="tiers")

    @property
    def effective_bps(self) -> Decimal:
        """What the tier pays as a share of a sale, in basis points (gold: 2200)."""
        return Decimal(self.rate_bps) * (FULL_BPS + self.bonus_bps) / FULL_BPS


@dataclass(frozen=True, slots=True)
class CommissionSplit:
    base_minor: int
    bonus_minor: int

    @property
    def total_minor(self) -> int:
        return self.base_minor + self.bonus_minor


def commission_for(sale_minor: int, tier: Tier) -> CommissionSplit:
    """Commission on a sale. Rounding: each part is rounded down to the minor unit.

    base = floor(sale x rate), bonus = floor(base x bonus rate); the company never pays a
    fraction of a minor unit it does not owe, and the bonus is visibly a share of the base.
    """
    if sale_minor < 0:
        raise InvalidValue("A sale cannot be negative", field="amount")
    base = sale_minor * tier.rate_bps // FULL_BPS
    bonus = base * tier.bonus_bps // FULL_BPS
    return CommissionSplit(base_minor=base, bonus_minor=bonus)


@dataclass(frozen=True, slots=True)
class TierTable:
    """Tiers ordered by threshold; the lowest starts at zero so every reseller has a tier."""

    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        if not self.tiers:
            raise InvalidValue("At least one tier is required", code="invalid_tier", field="tiers")
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise InvalidValue("Tier names must be unique", code="invalid_tier", field="tiers")
        thresholds = [t.min_sales_minor for t in self.tiers]
        if len(set(thresholds)) != len(thresholds):
            raise InvalidValue("Tier thresholds must be unique", code="invalid_tier", field="tiers")
        if thresholds != sorted(thresholds):
            raise InvalidValue("Tiers must be ordered by threshold", code="invalid_tier", field="tiers")
        if thresholds[0] != 0:
            raise InvalidValue("The lowest tier must start at 0", code="invalid_tier", field="tiers")

    @classmethod
    def of(cls, tiers: Iterable[Tier]) -> TierTable:
        return cls(tuple(sorted(tiers, key=lambda t: t.min_sales_minor)))

    def tier_for(self, sales_minor: int) -> Tier:
        found = self.tiers[0]
        for tier in self.tiers:
            if sales_minor >= tier.min_sales_minor:
                found = tier
        return found

    def next_after(self, tier: Tier) -> Tier | None:
        later = [t for t in self.tiers if t.min_sales_minor > tier.min_sales_minor]
        return later[0] if later else None

    def get(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)


# Seed 003 / MISSION: bronze, silver >= 5,000, gold >= 15,000, platinum >= 50,000 (major units of the
# program currency); 10/15/20/25 % commission plus a 0/5/10/15 % bonus on the commission.
DEFAULT_TIERS: Sequence[tuple[str, int, int, int]] = (
    ("bronze", 0, 1000, 0),
    ("silver", 5_000, 1500, 500),
    ("gold", 15_000, 2000, 1000),
    ("platinum", 50_000, 2500, 1500),
)


def default_tier_table(exponent: int = 2) -> TierTable:
    """The default table with thresholds scaled to the program currency's minor units."""
    return TierTable.of(
        Tier(name=name, min_sales_minor=major * 10**exponent, rate_bps=rate, bonus_bps=bonus)
        for name, major, rate, bonus in DEFAULT_TIERS
    )


def parse_percent(raw: str | int | Decimal, *, field: str = "rate") -> int:
    """ "22.5" -> 2250 bps. At most two decimals (a basis point), 0 to 100 %; floats are refused."""
    if isinstance(raw, (bool, float)):
        raise InvalidValue("Percentages are decimal strings, not floats", code="invalid_percent", field=field)
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidValue(f"{raw!r} is not a percentage", code="invalid_percent", field=field) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidValue("A percentage is between 0 and 100", code="invalid_percent", field=field)
    bps = value * BPS_PER_PERCENT
    if bps != bps.to_integral_value():
        raise InvalidValue("Percentages have at most two decimals", code="invalid_percent", field=field)
    return int(bps)


def format_percent(bps: int | Decimal) -> str:
    """2250 -> "22.50" (basis points as a percentage string with two decimals)."""
    value = (Decimal(bps) / BPS_PER_PERCENT).quantize(Decimal("0.01"))
    return f"{value:.2f}"
