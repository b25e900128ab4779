"""What every earnings schema module shares: input patterns, amounts as strings, the reason body."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from domain.earnings.invoice import Period
from domain.shared.money import Money
from entrypoints.api.schemas import InputSchema

AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,6})?$"
PERCENT_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"
PERIOD_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


class EarningsReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


def money(minor: int, currency: str) -> str:
    return Money(minor, currency).to_decimal_string()


def period_or_none(raw: str | None) -> Period | None:
    return Period.parse(raw) if raw else None


def not_none(payload: Schema, *names: str) -> dict[str, Any]:
    """The named fields the caller sent with a value (a PATCH leaves the others as they are)."""
    return {k: v for k, v in payload.model_dump(include=set(names)).items() if v is not None}
