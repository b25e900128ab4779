"""Resellers: the application, the profile, referrals, activity and the dashboard's figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from application.earnings.resellers import ResellerStats
from domain.earnings.activity import ActivityEntry
from domain.earnings.reseller import Attribution, Reseller, ResellerStatus
from entrypoints.api.earnings.schemas.common import money
from entrypoints.api.earnings.schemas.tiers import TierOut, tier_out
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema


class ResellerApplyIn(InputSchema):
    business_name: str = Field(min_length=1, max_length=200)
    phone: str = Field(default="", max_length=32)
    website: str = Field(default="", max_length=500)
    pitch: str = Field(default="", max_length=2000, description="How you plan to bring in business")


class ResellerUpdateIn(InputSchema):
    business_name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    website: str | None = Field(default=None, max_length=500)
    pitch: str | None = Field(default=None, max_length=2000)


class ResellerOut(Schema):
    id: str
    user_id: str
    status: str
    referral_code: str = Field(description="Merchants, vendors and distributors sign up with it once approved")
    business_name: str
    phone: str
    website: str
    pitch: str
    tier: str | None
    trailing_sales: str = Field(description="Attributed sales of the last 12 months, program currency")
    currency: str
    rejection_reason: str | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ResellerPage(Schema):
    items: list[ResellerOut]
    next_cursor: str | None


class ResellerQuery(PageQuery):
    status: ResellerStatus | None = None


class ReferralOut(Schema):
    id: str
    account_id: str
    role: str
    referral_code: str
    created_at: datetime


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


class ActivityOut(Schema):
    id: str
    action: str
    subject_type: str
    subject_id: str
    actor_id: str | None = Field(description="Who did it; null for the system (jobs, payment events)")
    data: dict[str, Any]
    created_at: datetime


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None


class StatusAmountOut(Schema):
    count: int
    amount: str


class MonthOut(Schema):
    month: str = Field(examples=["2026-11"])
    amount: str


class BalanceOut(Schema):
    available: str = Field(description="earned - clawbacks - paid_out - reserved; what a payout may ask for")
    earned: str = Field(description="Approved, invoiced and paid commissions")
    clawbacks: str = Field(description="Taken back by refunds after invoicing or payout")
    paid_out: str
    reserved: str = Field(description="Payouts requested, approved or processing")
    pending: str = Field(description="Commissions still in their holding period")


class NextTierOut(Schema):
    name: str
    min_sales: str


class ResellerStatsOut(Schema):
    currency: str
    status: str
    tier: TierOut
    next_tier: NextTierOut | None
    trailing_sales: str
    sales_to_next_tier: str | None
    commissions_by_status: dict[str, StatusAmountOut]
    earnings_by_month: list[MonthOut]
    balance: BalanceOut
    referrals: int
    leads_by_status: dict[str, int]


def reseller_out(reseller: Reseller, *, currency: str) -> ResellerOut:
    """``currency``: the program's (trailing sales are counted in it)."""
    return ResellerOut(
        id=reseller.id,
        user_id=reseller.user_id,
        status=reseller.status.value,
        referral_code=reseller.referral_code,
        business_name=reseller.details.business_name,
        phone=reseller.details.phone,
        website=reseller.details.website,
        pitch=reseller.details.pitch,
        tier=reseller.tier or None,
        trailing_sales=money(reseller.trailing_sales_minor, currency),
        currency=currency,
        rejection_reason=reseller.rejection_reason or None,
        decided_at=reseller.decided_at,
        created_at=reseller.created_at,
        updated_at=reseller.updated_at,
    )


def activity_out(entry: ActivityEntry) -> ActivityOut:
    return ActivityOut(
        id=entry.id,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        actor_id=entry.actor_id or None,
        data=entry.data,
        created_at=entry.created_at,
    )


def referral_out(a: Attribution) -> ReferralOut:
    return ReferralOut(
        id=a.id, account_id=a.account_id, role=a.role, referral_code=a.referral_code, created_at=a.created_at
    )


def stats_out(stats: ResellerStats) -> ResellerStatsOut:
    cur = stats.currency
    ledger = stats.ledger
    return ResellerStatsOut(
        currency=cur,
        status=stats.reseller.status.value,
        tier=tier_out(stats.tier, cur),
        next_tier=(
            NextTierOut(name=stats.next_tier.name, min_sales=money(stats.next_tier.min_sales_minor, cur))
            if stats.next_tier
            else None
        ),
        trailing_sales=money(stats.trailing_sales_minor, cur),
        sales_to_next_tier=(
            money(stats.sales_to_next_tier_minor, cur) if stats.sales_to_next_tier_minor is not None else None
        ),
        commissions_by_status={
            status: StatusAmountOut(count=v.count, amount=money(v.amount_minor, cur))
            for status, v in stats.commissions_by_status.items()
        },
        earnings_by_month=[MonthOut(month=m, amount=money(a, cur)) for m, a in stats.earnings_by_month],
        balance=BalanceOut(
            available=money(ledger.available_minor, cur),
            earned=money(ledger.earned_minor, cur),
            clawbacks=money(ledger.clawback_minor, cur),
            paid_out=money(ledger.paid_out_minor, cur),
            reserved=money(ledger.reserved_minor, cur),
            pending=money(ledger.pending_minor, cur),
        ),
        referrals=stats.referrals,
        leads_by_status=stats.leads_by_status,
    )
