"""Payouts: a reseller asks for (part of) its available balance; an admin approves; the gateway pays."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from domain.earnings.payout import Payout, PayoutStatus
from entrypoints.api.earnings.schemas.common import AMOUNT_PATTERN
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema


class PayoutIn(InputSchema):
    amount: str = Field(pattern=AMOUNT_PATTERN, examples=["500.00"], description="Program currency")
    method: Literal["bank_transfer", "upi"]
    destination: str = Field(
        min_length=1, max_length=300, description="UPI id (name@bank) or bank account, e.g. HDFC0001234:50100012345"
    )


class PayoutOut(Schema):
    id: str
    reseller_id: str
    amount: str
    currency: str
    method: str
    destination: str
    status: str
    reference: str | None
    failure_reason: str | None
    rejection_reason: str | None
    decided_at: datetime | None
    completed_at: datetime | None
    livemode: bool = Field(description="false when the sandbox payout gateway handles it: no real money moves")
    created_at: datetime
    updated_at: datetime


class PayoutPage(Schema):
    items: list[PayoutOut]
    next_cursor: str | None


class PayoutQuery(PageQuery):
    status: PayoutStatus | None = None
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


def payout_out(p: Payout) -> PayoutOut:
    return PayoutOut(
        id=p.id,
        reseller_id=p.reseller_id,
        amount=p.amount.to_decimal_string(),
        currency=p.amount.currency,
        method=p.method.value,
        destination=p.destination,
        status=p.status.value,
        reference=p.reference or None,
        failure_reason=p.failure_reason or None,
        rejection_reason=p.rejection_reason or None,
        decided_at=p.decided_at,
        completed_at=p.completed_at,
        livemode=p.livemode,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )
