"""Commissions: what a referred sale earned, what refunds took back, and what failed refunds gave back."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from domain.earnings.commission import Commission, CommissionKind, CommissionStatus
from domain.earnings.tiers import format_percent
from entrypoints.api.earnings.schemas.common import PERIOD_PATTERN, money
from entrypoints.api.pagination import PageQuery


class CommissionOut(Schema):
    id: str
    reseller_id: str
    kind: str = Field(
        description="commission; clawback (negative) for a refund after invoicing or payout; "
        "adjustment (positive) giving back a settled clawback whose refund failed"
    )
    status: str
    currency: str
    payment_id: str
    order_id: str | None
    account_id: str | None
    sale_amount: str
    refunded_sale_amount: str
    tier: str | None
    commission_rate: str
    bonus_rate: str
    base_amount: str
    bonus_amount: str
    original_amount: str
    amount: str = Field(description="What counts now (reduced by refunds before invoicing)")
    clawed_back: str
    parent_id: str | None
    invoice_id: str | None
    hold_until: datetime | None
    reason: str | None
    decided_at: datetime | None
    paid_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CommissionPage(Schema):
    items: list[CommissionOut]
    next_cursor: str | None


class CommissionQuery(PageQuery):
    status: CommissionStatus | None = None
    kind: CommissionKind | None = None
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN, description="YYYY-MM (by creation)")
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")
    payment_id: str | None = Field(default=None, max_length=64)


def commission_out(c: Commission) -> CommissionOut:
    cur = c.currency
    return CommissionOut(
        id=c.id,
        reseller_id=c.reseller_id,
        kind=c.kind.value,
        status=c.status.value,
        currency=cur,
        payment_id=c.payment_id,
        order_id=c.order_id or None,
        account_id=c.account_id or None,
        sale_amount=money(c.sale_minor, cur),
        refunded_sale_amount=money(c.refunded_sale_minor, cur),
        tier=c.tier or None,
        commission_rate=format_percent(c.rate_bps),
        bonus_rate=format_percent(c.bonus_bps),
        base_amount=money(c.base_minor, cur),
        bonus_amount=money(c.bonus_minor, cur),
        original_amount=money(c.original_minor, cur),
        amount=money(c.amount_minor, cur),
        clawed_back=money(c.clawed_back_minor, cur),
        parent_id=c.parent_id or None,
        invoice_id=c.invoice_id or None,
        hold_until=c.hold_until,
        reason=c.reason or None,
        decided_at=c.decided_at,
        paid_at=c.paid_at,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )
