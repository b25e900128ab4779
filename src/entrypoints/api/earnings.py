"""Reseller earnings (seed 003): resellers, tiers, commissions, invoices, payouts, leads, dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from application.earnings.leads import LeadChanges
from application.earnings.payouts import RequestPayout
from application.earnings.ports import CommissionFilter, InvoiceFilter, LeadFilter, PayoutFilter, ResellerFilter
from application.earnings.resellers import ResellerStats
from application.earnings.tiers import TierInput
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import Commission, CommissionKind, CommissionStatus
from domain.earnings.invoice import Invoice, InvoiceStatus, Period
from domain.earnings.lead import Lead, LeadDetails, LeadStatus
from domain.earnings.payout import Payout, PayoutStatus
from domain.earnings.reseller import Attribution, Reseller, ResellerDetails, ResellerStatus
from domain.earnings.tiers import Tier, TierTable, format_percent
from domain.identity.user import Role
from domain.shared.money import Money
from entrypoints.api.auth import ADMIN, auth_for, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import earnings as service

resellers_router = Router(tags=["resellers"])
tiers_router = Router(tags=["earnings-admin"])
commissions_router = Router(tags=["commissions"])
invoices_router = Router(tags=["reseller-invoices"])
payouts_router = Router(tags=["payouts"])
leads_router = Router(tags=["leads"])

RESELLER = auth_for(Role.RESELLER)
RESELLER_OR_ADMIN = auth_for(Role.RESELLER, Role.ADMIN)

AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,6})?$"
PERCENT_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"
PERIOD_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


def _money(minor: int, currency: str) -> str:
    return Money(minor, currency).to_decimal_string()


# --- schemas ------------------------------------------------------------------------------------


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


class EarningsReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


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


class InvoiceIn(InputSchema):
    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026-11"])
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins: the reseller to invoice")


class InvoiceLineOut(Schema):
    commission_id: str
    kind: str
    payment_id: str
    description: str
    sale_amount: str
    amount: str
    earned_at: datetime


class ResellerInvoiceSummaryOut(Schema):
    id: str
    number: str = Field(examples=["INV-202611-0001"])
    reseller_id: str
    period: str
    currency: str
    total: str
    status: str
    issued_at: datetime
    paid_at: datetime | None
    pdf_ready: bool
    pdf_url: str


class InvoiceOut(ResellerInvoiceSummaryOut):
    lines: list[InvoiceLineOut]


class InvoicePage(Schema):
    items: list[ResellerInvoiceSummaryOut]
    next_cursor: str | None


class InvoiceQuery(PageQuery):
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN)
    status: InvoiceStatus | None = None
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


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


class LeadIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    company: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=32)
    notes: str = Field(default="", max_length=5000)


class LeadPatchIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    notes: str | None = Field(default=None, max_length=5000)
    status: LeadStatus | None = Field(default=None, description="new -> contacted -> qualified -> converted | lost")
    lost_reason: str = Field(default="", max_length=500)


class LeadOut(Schema):
    id: str
    reseller_id: str
    name: str
    company: str
    email: str
    phone: str
    notes: str
    status: str
    lost_reason: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class LeadQuery(PageQuery):
    status: LeadStatus | None = None
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


class LeadSummaryOut(Schema):
    total: int
    leads_by_status: dict[str, int]


class LeadSummaryQuery(Schema):
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


# --- mapping ------------------------------------------------------------------------------------


def reseller_out(reseller: Reseller) -> ResellerOut:
    currency = service.config().program_currency
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
        trailing_sales=_money(reseller.trailing_sales_minor, currency),
        currency=currency,
        rejection_reason=reseller.rejection_reason or None,
        decided_at=reseller.decided_at,
        created_at=reseller.created_at,
        updated_at=reseller.updated_at,
    )


def tier_out(tier: Tier, currency: str) -> TierOut:
    return TierOut(
        name=tier.name,
        min_sales=_money(tier.min_sales_minor, currency),
        commission_rate=format_percent(tier.rate_bps),
        bonus_rate=format_percent(tier.bonus_bps),
        effective_rate=format_percent(tier.effective_bps),
    )


def tiers_out(table: TierTable) -> TierTableOut:
    currency = service.config().program_currency
    return TierTableOut(currency=currency, tiers=[tier_out(t, currency) for t in table.tiers])


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
        sale_amount=_money(c.sale_minor, cur),
        refunded_sale_amount=_money(c.refunded_sale_minor, cur),
        tier=c.tier or None,
        commission_rate=format_percent(c.rate_bps),
        bonus_rate=format_percent(c.bonus_bps),
        base_amount=_money(c.base_minor, cur),
        bonus_amount=_money(c.bonus_minor, cur),
        original_amount=_money(c.original_minor, cur),
        amount=_money(c.amount_minor, cur),
        clawed_back=_money(c.clawed_back_minor, cur),
        parent_id=c.parent_id or None,
        invoice_id=c.invoice_id or None,
        hold_until=c.hold_until,
        reason=c.reason or None,
        decided_at=c.decided_at,
        paid_at=c.paid_at,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def _invoice_fields(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "reseller_id": invoice.reseller_id,
        "period": str(invoice.period),
        "currency": invoice.currency,
        "total": _money(invoice.total_minor, invoice.currency),
        "status": invoice.status.value,
        "issued_at": invoice.issued_at,
        "paid_at": invoice.paid_at,
        "pdf_ready": invoice.pdf_ready,
        "pdf_url": f"/api/v1/reseller-invoices/{invoice.id}/pdf",
    }


def invoice_out(invoice: Invoice) -> InvoiceOut:
    return InvoiceOut(
        **_invoice_fields(invoice),
        lines=[
            InvoiceLineOut(
                commission_id=line.commission_id,
                kind=line.kind,
                payment_id=line.payment_id,
                description=line.description,
                sale_amount=_money(line.sale_minor, invoice.currency),
                amount=_money(line.amount_minor, invoice.currency),
                earned_at=line.earned_at,
            )
            for line in invoice.lines
        ],
    )


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


def lead_out(lead: Lead) -> LeadOut:
    d = lead.details
    return LeadOut(
        id=lead.id,
        reseller_id=lead.reseller_id,
        name=d.name,
        company=d.company,
        email=d.email,
        phone=d.phone,
        notes=d.notes,
        status=lead.status.value,
        lost_reason=lead.lost_reason or None,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        closed_at=lead.closed_at,
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
            NextTierOut(name=stats.next_tier.name, min_sales=_money(stats.next_tier.min_sales_minor, cur))
            if stats.next_tier
            else None
        ),
        trailing_sales=_money(stats.trailing_sales_minor, cur),
        sales_to_next_tier=(
            _money(stats.sales_to_next_tier_minor, cur) if stats.sales_to_next_tier_minor is not None else None
        ),
        commissions_by_status={
            status: StatusAmountOut(count=v.count, amount=_money(v.amount_minor, cur))
            for status, v in stats.commissions_by_status.items()
        },
        earnings_by_month=[MonthOut(month=m, amount=_money(a, cur)) for m, a in stats.earnings_by_month],
        balance=BalanceOut(
            available=_money(ledger.available_minor, cur),
            earned=_money(ledger.earned_minor, cur),
            clawbacks=_money(ledger.clawback_minor, cur),
            paid_out=_money(ledger.paid_out_minor, cur),
            reserved=_money(ledger.reserved_minor, cur),
            pending=_money(ledger.pending_minor, cur),
        ),
        referrals=stats.referrals,
        leads_by_status=stats.leads_by_status,
    )


def _period(raw: str | None) -> Period | None:
    return Period.parse(raw) if raw else None


def _not_none(payload: Schema, *names: str) -> dict[str, Any]:
    return {k: v for k, v in payload.model_dump(include=set(names)).items() if v is not None}


# --- resellers ----------------------------------------------------------------------------------


@resellers_router.post(
    "", response={201: ResellerOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_apply"
)
@idempotent
def resellers_apply(request: HttpRequest, payload: ResellerApplyIn) -> Status[ResellerOut]:
    details = ResellerDetails(
        business_name=payload.business_name, phone=payload.phone, website=payload.website, pitch=payload.pitch
    )
    return Status(201, reseller_out(service.apply(principal(request), details)))


@resellers_router.get(
    "/me", response={200: ResellerOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_me"
)
def resellers_me(request: HttpRequest) -> ResellerOut:
    return reseller_out(service.me(principal(request)))


@resellers_router.patch(
    "/me", response={200: ResellerOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_update_me"
)
def resellers_update_me(request: HttpRequest, payload: ResellerUpdateIn) -> ResellerOut:
    changes = _not_none(payload, "business_name", "phone", "website", "pitch")
    return reseller_out(service.update_me(principal(request), changes))


@resellers_router.get(
    "/me/referrals",
    response={200: ReferralPage, **PROBLEM_RESPONSES},
    auth=RESELLER,
    operation_id="resellers_referrals",
)
def resellers_referrals(request: HttpRequest, query: Query[PageQuery]) -> ReferralPage:
    page = service.referrals(principal(request), query.page_request())
    return ReferralPage(items=[referral_out(a) for a in page.items], next_cursor=page.next_cursor)


@resellers_router.get(
    "/me/stats", response={200: ResellerStatsOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_stats"
)
def resellers_stats(request: HttpRequest) -> ResellerStatsOut:
    return stats_out(service.stats(principal(request)))


@resellers_router.get(
    "/me/activity",
    response={200: ActivityPage, **PROBLEM_RESPONSES},
    auth=RESELLER,
    operation_id="resellers_activity",
)
def resellers_activity(request: HttpRequest, query: Query[PageQuery]) -> ActivityPage:
    page = service.activity_log(principal(request), query.page_request())
    return ActivityPage(items=[activity_out(e) for e in page.items], next_cursor=page.next_cursor)


@resellers_router.get("", response={200: ResellerPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="resellers_list")
def resellers_list(request: HttpRequest, query: Query[ResellerQuery]) -> ResellerPage:
    page = service.list_resellers(principal(request), ResellerFilter(status=query.status), query.page_request())
    return ResellerPage(items=[reseller_out(r) for r in page.items], next_cursor=page.next_cursor)


@resellers_router.get(
    "/{reseller_id}", response={200: ResellerOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="resellers_get"
)
def resellers_get(request: HttpRequest, reseller_id: str) -> ResellerOut:
    return reseller_out(service.get_reseller(principal(request), reseller_id))


@resellers_router.get(
    "/{reseller_id}/activity",
    response={200: ActivityPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="resellers_activity_admin",
)
def resellers_activity_admin(request: HttpRequest, reseller_id: str, query: Query[PageQuery]) -> ActivityPage:
    page = service.activity_log(principal(request), query.page_request(), reseller_id=reseller_id)
    return ActivityPage(items=[activity_out(e) for e in page.items], next_cursor=page.next_cursor)


@resellers_router.post(
    "/{reseller_id}/approve",
    response={200: ResellerOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="resellers_approve",
)
@idempotent
def resellers_approve(request: HttpRequest, reseller_id: str) -> ResellerOut:
    return reseller_out(service.approve_reseller(principal(request), reseller_id))


@resellers_router.post(
    "/{reseller_id}/reject",
    response={200: ResellerOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="resellers_reject",
)
@idempotent
def resellers_reject(request: HttpRequest, reseller_id: str, payload: EarningsReasonIn) -> ResellerOut:
    return reseller_out(service.reject_reseller(principal(request), reseller_id, payload.reason))


# --- tiers (configuration) ----------------------------------------------------------------------


@tiers_router.get(
    "/earnings/tiers", response={200: TierTableOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="earnings_tiers_get"
)
def earnings_tiers_get(request: HttpRequest) -> TierTableOut:
    return tiers_out(service.get_tiers(principal(request)))


@tiers_router.put(
    "/earnings/tiers",
    response={200: TierTableOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="earnings_tiers_replace",
)
def earnings_tiers_replace(request: HttpRequest, payload: TiersIn) -> TierTableOut:
    tiers = [
        TierInput(name=t.name, min_sales=t.min_sales, commission_rate=t.commission_rate, bonus_rate=t.bonus_rate)
        for t in payload.tiers
    ]
    return tiers_out(service.replace_tiers(principal(request), tiers))


# --- commissions --------------------------------------------------------------------------------


@commissions_router.get(
    "", response={200: CommissionPage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="commissions_list"
)
def commissions_list(request: HttpRequest, query: Query[CommissionQuery]) -> CommissionPage:
    filters = CommissionFilter(
        reseller_id=query.reseller_id,
        status=query.status,
        kind=query.kind,
        period=_period(query.period),
        payment_id=query.payment_id,
    )
    page = service.list_commissions(principal(request), filters, query.page_request())
    return CommissionPage(items=[commission_out(c) for c in page.items], next_cursor=page.next_cursor)


@commissions_router.get(
    "/{commission_id}",
    response={200: CommissionOut, **PROBLEM_RESPONSES},
    auth=RESELLER_OR_ADMIN,
    operation_id="commissions_get",
)
def commissions_get(request: HttpRequest, commission_id: str) -> CommissionOut:
    return commission_out(service.get_commission(principal(request), commission_id))


@commissions_router.post(
    "/{commission_id}/approve",
    response={200: CommissionOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="commissions_approve",
)
@idempotent
def commissions_approve(request: HttpRequest, commission_id: str) -> CommissionOut:
    return commission_out(service.approve_commission(principal(request), commission_id))


@commissions_router.post(
    "/{commission_id}/reject",
    response={200: CommissionOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="commissions_reject",
)
@idempotent
def commissions_reject(request: HttpRequest, commission_id: str, payload: EarningsReasonIn) -> CommissionOut:
    return commission_out(service.reject_commission(principal(request), commission_id, payload.reason))


# --- invoices -----------------------------------------------------------------------------------


@invoices_router.post(
    "", response={201: InvoiceOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="reseller_invoices_create"
)
@idempotent
def reseller_invoices_create(request: HttpRequest, payload: InvoiceIn) -> Status[InvoiceOut]:
    return Status(201, invoice_out(service.issue_invoice(principal(request), payload.period, payload.reseller_id)))


@invoices_router.get(
    "", response={200: InvoicePage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="reseller_invoices_list"
)
def reseller_invoices_list(request: HttpRequest, query: Query[InvoiceQuery]) -> InvoicePage:
    filters = InvoiceFilter(reseller_id=query.reseller_id, period=_period(query.period), status=query.status)
    page = service.list_invoices(principal(request), filters, query.page_request())
    return InvoicePage(
        items=[ResellerInvoiceSummaryOut(**_invoice_fields(i)) for i in page.items], next_cursor=page.next_cursor
    )


@invoices_router.get(
    "/{invoice_id}",
    response={200: InvoiceOut, **PROBLEM_RESPONSES},
    auth=RESELLER_OR_ADMIN,
    operation_id="reseller_invoices_get",
)
def reseller_invoices_get(request: HttpRequest, invoice_id: str) -> InvoiceOut:
    return invoice_out(service.get_invoice(principal(request), invoice_id))


@invoices_router.get(
    "/{invoice_id}/pdf",
    response=PROBLEM_RESPONSES,
    auth=RESELLER_OR_ADMIN,
    operation_id="reseller_invoices_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invoice as a PDF (409 invoice_not_ready while it is being generated)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def reseller_invoices_pdf(request: HttpRequest, invoice_id: str) -> HttpResponse:
    invoice, pdf = service.invoice_pdf(principal(request), invoice_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


# --- payouts ------------------------------------------------------------------------------------


@payouts_router.post("", response={201: PayoutOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="payouts_create")
@idempotent
def payouts_create(request: HttpRequest, payload: PayoutIn) -> Status[PayoutOut]:
    command = RequestPayout(amount=payload.amount, method=payload.method, destination=payload.destination)
    return Status(201, payout_out(service.request_payout(principal(request), command)))


@payouts_router.get(
    "", response={200: PayoutPage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="payouts_list"
)
def payouts_list(request: HttpRequest, query: Query[PayoutQuery]) -> PayoutPage:
    filters = PayoutFilter(reseller_id=query.reseller_id, status=query.status)
    page = service.list_payouts(principal(request), filters, query.page_request())
    return PayoutPage(items=[payout_out(p) for p in page.items], next_cursor=page.next_cursor)


@payouts_router.get(
    "/{payout_id}", response={200: PayoutOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="payouts_get"
)
def payouts_get(request: HttpRequest, payout_id: str) -> PayoutOut:
    return payout_out(service.get_payout(principal(request), payout_id))


@payouts_router.post(
    "/{payout_id}/approve", response={200: PayoutOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="payouts_approve"
)
@idempotent
def payouts_approve(request: HttpRequest, payout_id: str) -> PayoutOut:
    return payout_out(service.approve_payout(principal(request), payout_id))


@payouts_router.post(
    "/{payout_id}/reject", response={200: PayoutOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="payouts_reject"
)
@idempotent
def payouts_reject(request: HttpRequest, payout_id: str, payload: EarningsReasonIn) -> PayoutOut:
    return payout_out(service.reject_payout(principal(request), payout_id, payload.reason))


# --- leads --------------------------------------------------------------------------------------


@leads_router.post("", response={201: LeadOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="leads_create")
@idempotent
def leads_create(request: HttpRequest, payload: LeadIn) -> Status[LeadOut]:
    details = LeadDetails(
        name=payload.name, company=payload.company, email=payload.email, phone=payload.phone, notes=payload.notes
    )
    return Status(201, lead_out(service.create_lead(principal(request), details)))


@leads_router.get("", response={200: LeadPage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="leads_list")
def leads_list(request: HttpRequest, query: Query[LeadQuery]) -> LeadPage:
    filters = LeadFilter(reseller_id=query.reseller_id, status=query.status)
    page = service.list_leads(principal(request), filters, query.page_request())
    return LeadPage(items=[lead_out(lead) for lead in page.items], next_cursor=page.next_cursor)


@leads_router.get(
    "/summary",
    response={200: LeadSummaryOut, **PROBLEM_RESPONSES},
    auth=RESELLER_OR_ADMIN,
    operation_id="leads_summary",
)
def leads_summary(request: HttpRequest, query: Query[LeadSummaryQuery]) -> LeadSummaryOut:
    counts = service.lead_summary(principal(request), query.reseller_id)
    return LeadSummaryOut(total=sum(counts.values()), leads_by_status=counts)


@leads_router.get(
    "/{lead_id}", response={200: LeadOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="leads_get"
)
def leads_get(request: HttpRequest, lead_id: str) -> LeadOut:
    return lead_out(service.get_lead(principal(request), lead_id))


@leads_router.patch(
    "/{lead_id}", response={200: LeadOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="leads_update"
)
def leads_update(request: HttpRequest, lead_id: str, payload: LeadPatchIn) -> LeadOut:
    changes = LeadChanges(
        details=_not_none(payload, "name", "company", "email", "phone", "notes"),
        status=payload.status.value if payload.status is not None else None,
        lost_reason=payload.lost_reason,
    )
    return lead_out(service.update_lead(principal(request), lead_id, changes))
