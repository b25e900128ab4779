"""The tier table: thresholds of trailing sales, commission and bonus rates."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from domain.earnings.tiers import Tier, TierTable, format_percent
from entrypoints.api.earnings.schemas.common import AMOUNT_PATTERN, PERCENT_PATTERN, money
from entrypoints.api.schemas import InputSchema


class TierOut(Schema):
    name: str
    min_sales: str = Field(description="Trailing 12-month attributed sales to reach the tier, program currency")
    commission_rate: str = Field(description="Percent of the sale")
    bonus_rate: str = Field(description="Percent of the commission, added to it")
    effective_rate: str = Field(description="commission_rate x (1 + bonus_rate), percent of the sale")


class TierTableOut(Schema):
    currency: str
    tiers: list[TierOut]


class TierIn(InputSchema):
    name: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    min_sales: str = Field(pattern=AMOUNT_PATTERN, examples=["5000.00"])
    commission_rate: str = Field(pattern=PERCENT_PATTERN, examples=["15"])
    bonus_rate: str = Field(default="0", pattern=PERCENT_PATTERN, examples=["5"])


class TiersIn(InputSchema):
    tiers: list[TierIn] = Field(min_length=1, max_length=20)


def tier_out(tier: Tier, currency: str) -> TierOut:
    return TierOut(
        name=tier.name,
        min_sales=money(tier.min_sales_minor, currency),
        commission_rate=format_percent(tier.rate_bps),
        bonus_rate=format_percent(tier.bonus_bps),
        effective_rate=format_percent(tier.effective_bps),
    )


def tiers_out(table: TierTable, *, currency: str) -> TierTableOut:
    """``currency``: the program's (thresholds are in it)."""
    return TierTableOut(currency=currency, tiers=[tier_out(t, currency) for t in table.tiers])
