"""Earnings repositories: the only code that touches the earnings tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import structlog
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from adapters.django_orm.earnings.models import (
    ActivityRecord,
    AttributionRecord,
    CommissionRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    LeadRecord,
    PayoutRecord,
    ResellerRecord,
    TierRecord,
)
from adapters.django_orm.shared.keyset import keyset_page
from adapters.django_orm.shared.rows import first_row, parse_uuid, row_by_id
from application.earnings.ports import (
    CommissionFilter,
    CommissionTotals,
    InvoiceFilter,
    LeadFilter,
    PayoutFilter,
    PayoutTotals,
    ResellerFilter,
    StatusCount,
)
from application.shared.pagination import Page, PageRequest
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import Commission, CommissionKind, CommissionStatus, RefundEffect
from domain.earnings.invoice import Invoice, InvoiceLine, InvoiceStatus, Period
from domain.earnings.lead import Lead, LeadDetails, LeadStatus
from domain.earnings.payout import RESERVING_STATUSES, Payout, PayoutMethod, PayoutStatus
from domain.earnings.reseller import Attribution, Reseller, ResellerDetails, ResellerStatus
from domain.earnings.tiers import Tier, TierTable, default_tier_table
from domain.shared.money import Money

log = structlog.get_logger("partnerpay.earnings")

EARNED = [CommissionStatus.APPROVED.value, CommissionStatus.INVOICED.value, CommissionStatus.PAID.value]


def _insert(row: object) -> bool:
    """Insert in a savepoint: a unique violation answers False and leaves the transaction usable."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)  # type: ignore[attr-defined]
    except IntegrityError:
        return False
    return True


# --- resellers ----------------------------------------------------------------------------------


def reseller_to_domain(row: ResellerRecord) -> Reseller:
    return Reseller(
        id=str(row.id),
        user_id=row.user_id,
        referral_code=row.referral_code,
        status=ResellerStatus(row.status),
        details=ResellerDetails(business_name=row.business_name, phone=row.phone, website=row.website, pitch=row.pitch),
        tier=row.tier,
        trailing_sales_minor=row.trailing_sales_minor,
        rejection_reason=row.rejection_reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _reseller_fields(reseller: Reseller) -> dict[str, object]:
    return {
        "user_id": reseller.user_id,
        "referral_code": reseller.referral_code,
        "status": reseller.status.value,
        "business_name": reseller.details.business_name,
        "phone": reseller.details.phone,
        "website": reseller.details.website,
        "pitch": reseller.details.pitch,
        "tier": reseller.tier,
        "trailing_sales_minor": reseller.trailing_sales_minor,
        "rejection_reason": reseller.rejection_reason,
        "decided_by": reseller.decided_by,
        "decided_at": reseller.decided_at,
        "created_at": reseller.created_at,
        "updated_at": reseller.updated_at,
    }


class DjangoResellerRepository:
    def add(self, reseller: Reseller) -> bool:
        if ResellerRecord.objects.filter(referral_code=reseller.referral_code).exists():
            return False
        return _insert(ResellerRecord(id=reseller.id, **_reseller_fields(reseller)))

    def get(self, reseller_id: str) -> Reseller | None:
        row = row_by_id(ResellerRecord.objects, reseller_id)
        return reseller_to_domain(row) if row else None

    def get_for_update(self, reseller_id: str) -> Reseller | None:
        row = row_by_id(ResellerRecord.objects, reseller_id, for_update=True)
        return reseller_to_domain(row) if row else None

    def by_user(self, user_id: str, *, for_update: bool = False) -> Reseller | None:
        row = first_row(ResellerRecord.objects.filter(user_id=user_id), for_update=for_update)
        return reseller_to_domain(row) if row else None

    def by_code(self, code: str) -> Reseller | None:
        row = ResellerRecord.objects.filter(referral_code=code).first()
        return reseller_to_domain(row) if row else None

    def save(self, reseller: Reseller) -> None:
        ResellerRecord.objects.filter(pk=reseller.id).update(**_reseller_fields(reseller))

    def list(self, filters: ResellerFilter, page: PageRequest) -> Page[Reseller]:
        queryset = ResellerRecord.objects.all()
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        return keyset_page(queryset, page, reseller_to_domain)

    def approved_ids(self) -> Sequence[str]:
        rows = ResellerRecord.objects.filter(status=ResellerStatus.APPROVED.value).values_list("id", flat=True)
        return [str(pk) for pk in rows]


# --- tiers --------------------------------------------------------------------------------------


class DjangoTierRepository:
    def __init__(self, currency_exponent: int = 2) -> None:
        self._exponent = currency_exponent

    def table(self) -> TierTable:
        rows = list(TierRecord.objects.order_by("min_sales_minor"))
        if not rows:
            log.warning("earnings_tier_table_empty_using_defaults")
            return default_tier_table(self._exponent)
        tiers = [Tier(r.name, r.min_sales_minor, r.rate_bps, r.bonus_bps) for r in rows]
        if tiers[0].min_sales_minor != 0:
            # Edited by hand so that nobody would have a tier: the lowest one starts at zero.
            log.warning("earnings_tier_table_lowest_not_zero", tier=tiers[0].name)
            first = tiers[0]
            tiers[0] = Tier(first.name, 0, first.rate_bps, first.bonus_bps)
        return TierTable(tuple(tiers))

    def replace(self, table: TierTable) -> None:
        TierRecord.objects.all().delete()
        TierRecord.objects.bulk_create(
            TierRecord(name=t.name, min_sales_minor=t.min_sales_minor, rate_bps=t.rate_bps, bonus_bps=t.bonus_bps)
            for t in table.tiers
        )


# --- attributions -------------------------------------------------------------------------------


def attribution_to_domain(row: AttributionRecord) -> Attribution:
    return Attribution(
        id=str(row.id),
        reseller_id=str(row.reseller_id),
        account_id=row.account_id,
        role=row.role,
        referral_code=row.referral_code,
        created_at=row.created_at,
    )


class DjangoAttributionRepository:
    def add(self, attribution: Attribution) -> bool:
        return _insert(
            AttributionRecord(
                id=attribution.id,
                reseller_id=attribution.reseller_id,
                account_id=attribution.account_id,
                role=attribution.role,
                referral_code=attribution.referral_code,
                created_at=attribution.created_at,
            )
        )

    def for_account(self, account_id: str) -> Attribution | None:
        row = AttributionRecord.objects.filter(account_id=account_id).first()
        return attribution_to_domain(row) if row else None

    def list(self, reseller_id: str, page: PageRequest) -> Page[Attribution]:
        return keyset_page(AttributionRecord.objects.filter(reseller_id=reseller_id), page, attribution_to_domain)

    def count(self, reseller_id: str) -> int:
        return AttributionRecord.objects.filter(reseller_id=reseller_id).count()


# --- commissions --------------------------------------------------------------------------------


def commission_to_domain(row: CommissionRecord) -> Commission:
    return Commission(
        id=str(row.id),
        reseller_id=str(row.reseller_id),
        kind=CommissionKind(row.kind),
        status=CommissionStatus(row.status),
        currency=row.currency,
        payment_id=row.payment_id,
        order_id=row.order_id,
        account_id=row.account_id,
        sale_minor=row.sale_minor,
        refunded_sale_minor=row.refunded_sale_minor,
        tier=row.tier,
        rate_bps=row.rate_bps,
        bonus_bps=row.bonus_bps,
        base_minor=row.base_minor,
        bonus_minor=row.bonus_minor,
        original_minor=row.original_minor,
        amount_minor=row.amount_minor,
        clawed_back_minor=row.clawed_back_minor,
        refunds={key: RefundEffect.from_dict(key, value) for key, value in (row.refunds or {}).items()},
        parent_id=str(row.parent_id) if row.parent_id else "",
        source_key=row.source_key,
        hold_until=row.hold_until,
        invoice_id=str(row.invoice_id) if row.invoice_id else "",
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        paid_at=row.paid_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _commission_fields(c: Commission) -> dict[str, object]:
    return {
        "reseller_id": c.reseller_id,
        "kind": c.kind.value,
        "status": c.status.value,
        "currency": c.currency,
        "payment_id": c.payment_id,
        "order_id": c.order_id,
        "account_id": c.account_id,
        "sale_minor": c.sale_minor,
        "refunded_sale_minor": c.refunded_sale_minor,
        "tier": c.tier,
        "rate_bps": c.rate_bps,
        "bonus_bps": c.bonus_bps,
        "base_minor": c.base_minor,
        "bonus_minor": c.bonus_minor,
        "original_minor": c.original_minor,
        "amount_minor": c.amount_minor,
        "clawed_back_minor": c.clawed_back_minor,
        "refunds": {key: effect.to_dict() for key, effect in c.refunds.items()},
        "parent_id": c.parent_id or None,
        "source_key": c.source_key,
        "hold_until": c.hold_until,
        "invoice_id": c.invoice_id or None,
        "reason": c.reason,
        "decided_by": c.decided_by,
        "decided_at": c.decided_at,
        "paid_at": c.paid_at,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def _sum(*conditions: Q, field: str = "amount_minor", **lookups: object) -> Coalesce:
    return Coalesce(Sum(field, filter=Q(*conditions, **lookups)), 0)


class DjangoCommissionRepository:
    def add(self, commission: Commission) -> bool:
        return _insert(CommissionRecord(id=commission.id, **_commission_fields(commission)))

    def get(self, commission_id: str) -> Commission | None:
        row = row_by_id(CommissionRecord.objects, commission_id)
        return commission_to_domain(row) if row else None

    def get_for_update(self, commission_id: str) -> Commission | None:
        row = row_by_id(CommissionRecord.objects, commission_id, for_update=True)
        return commission_to_domain(row) if row else None

    def for_payment(self, payment_id: str) -> Commission | None:
        row = (
            CommissionRecord.objects.select_for_update()
            .filter(payment_id=payment_id, kind=CommissionKind.COMMISSION.value)
            .first()
        )
        return commission_to_domain(row) if row else None

    def save(self, commission: Commission) -> None:
        CommissionRecord.objects.filter(pk=commission.id).update(**_commission_fields(commission))

    def list(self, filters: CommissionFilter, page: PageRequest) -> Page[Commission]:
        queryset = CommissionRecord.objects.all()
        if filters.reseller_id is not None:
            key = parse_uuid(filters.reseller_id)
            if key is None:
                return Page(items=[], next_cursor=None)
            queryset = queryset.filter(reseller_id=key)
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        if filters.kind is not None:
            queryset = queryset.filter(kind=filters.kind.value)
        if filters.period is not None:
            queryset = queryset.filter(created_at__gte=filters.period.start, created_at__lt=filters.period.end)
        if filters.payment_id:
            queryset = queryset.filter(payment_id=filters.payment_id)
        return keyset_page(queryset, page, commission_to_domain)

    def totals(self, reseller_id: str, currency: str) -> CommissionTotals:
        commission, clawback = CommissionKind.COMMISSION.value, CommissionKind.CLAWBACK.value
        earning = ~Q(kind=clawback)  # commissions and the adjustments that give back a failed refund's clawback
        sums = CommissionRecord.objects.filter(reseller_id=reseller_id, currency=currency).aggregate(
            earned=_sum(earning, status__in=EARNED),
            clawback=_sum(Q(kind=clawback) & ~Q(status=CommissionStatus.REJECTED.value)),
            pending=_sum(kind=commission, status=CommissionStatus.PENDING.value),
            paid=_sum(earning, status=CommissionStatus.PAID.value),
        )
        return CommissionTotals(
            earned_minor=int(sums["earned"]),
            clawback_minor=-int(sums["clawback"]),
            pending_minor=int(sums["pending"]),
            paid_minor=int(sums["paid"]),
        )

    def open_for_settlement(self, reseller_id: str) -> Sequence[Commission]:
        rows = CommissionRecord.objects.select_for_update().filter(
            reseller_id=reseller_id,
            status__in=[CommissionStatus.APPROVED.value, CommissionStatus.INVOICED.value],
        )
        return [commission_to_domain(row) for row in rows.order_by("created_at", "id")]

    def invoiceable(self, reseller_id: str, period: Period) -> Sequence[Commission]:
        rows = CommissionRecord.objects.select_for_update().filter(
            reseller_id=reseller_id,
            status__in=[CommissionStatus.APPROVED.value, CommissionStatus.PAID.value],
            invoice__isnull=True,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        return [commission_to_domain(row) for row in rows.order_by("created_at", "id")]

    def unpaid_on_invoice(self, invoice_id: str) -> int:
        return (
            CommissionRecord.objects.filter(invoice_id=invoice_id).exclude(status=CommissionStatus.PAID.value).count()
        )

    def due_for_approval(self, *, now: datetime, limit: int) -> Sequence[str]:
        rows = CommissionRecord.objects.filter(status=CommissionStatus.PENDING.value, hold_until__lte=now)
        return [str(pk) for pk in rows.order_by("hold_until").values_list("id", flat=True)[:limit]]

    def sales_since(self, reseller_id: str, *, since: datetime, currency: str) -> int:
        total = (
            CommissionRecord.objects.filter(
                reseller_id=reseller_id, kind=CommissionKind.COMMISSION.value, currency=currency, created_at__gte=since
            )
            .exclude(status=CommissionStatus.REJECTED.value)
            .aggregate(net=Coalesce(Sum(F("sale_minor") - F("refunded_sale_minor")), 0))
        )
        return int(total["net"])

    def by_status(self, reseller_id: str) -> dict[str, StatusCount]:
        rows = (
            CommissionRecord.objects.filter(reseller_id=reseller_id, kind=CommissionKind.COMMISSION.value)
            .values("status")
            .annotate(count=Count("id"), amount=Coalesce(Sum("amount_minor"), 0))
        )
        found = {row["status"]: StatusCount(count=row["count"], amount_minor=int(row["amount"])) for row in rows}
        return {s.value: found.get(s.value, StatusCount(0, 0)) for s in CommissionStatus}

    def earned_by_month(self, reseller_id: str, *, since: datetime) -> dict[str, int]:
        rows = (
            CommissionRecord.objects.filter(reseller_id=reseller_id, created_at__gte=since)
            .exclude(status=CommissionStatus.REJECTED.value)
            .annotate(month=TruncMonth("created_at", tzinfo=UTC))
            .values("month")
            .annotate(amount=Coalesce(Sum("amount_minor"), 0))
        )
        return {row["month"].strftime("%Y-%m"): int(row["amount"]) for row in rows}


# --- invoices -----------------------------------------------------------------------------------


def invoice_to_domain(row: InvoiceRecord, *, with_lines: bool = True) -> Invoice:
    lines = (
        [
            InvoiceLine(
                commission_id=line.commission_id,
                kind=line.kind,
                payment_id=line.payment_id,
                description=line.description,
                sale_minor=line.sale_minor,
                amount_minor=line.amount_minor,
                earned_at=line.earned_at,
            )
            for line in row.lines.order_by("position")
        ]
        if with_lines
        else []
    )
    return Invoice(
        id=str(row.id),
        number=row.number,
        reseller_id=str(row.reseller_id),
        period=Period.parse(row.period),
        currency=row.currency,
        total_minor=row.total_minor,
        status=InvoiceStatus(row.status),
        issued_by=row.issued_by,
        issued_at=row.issued_at,
        paid_at=row.paid_at,
        pdf_ready=row.pdf_generated_at is not None,
        lines=lines,
    )


class DjangoInvoiceRepository:
    def add(self, invoice: Invoice) -> None:
        InvoiceRecord.objects.create(
            id=invoice.id,
            number=invoice.number,
            reseller_id=invoice.reseller_id,
            period=str(invoice.period),
            currency=invoice.currency,
            total_minor=invoice.total_minor,
            status=invoice.status.value,
            issued_by=invoice.issued_by,
            issued_at=invoice.issued_at,
            paid_at=invoice.paid_at,
        )
        InvoiceLineRecord.objects.bulk_create(
            InvoiceLineRecord(
                invoice_id=invoice.id,
                position=index,
                commission_id=line.commission_id,
                kind=line.kind,
                payment_id=line.payment_id,
                description=line.description[:500],
                sale_minor=line.sale_minor,
                amount_minor=line.amount_minor,
                earned_at=line.earned_at,
            )
            for index, line in enumerate(invoice.lines, start=1)
        )

    def get(self, invoice_id: str) -> Invoice | None:
        row = row_by_id(InvoiceRecord.objects.defer("pdf"), invoice_id)
        return invoice_to_domain(row) if row else None

    def save_status(self, invoice: Invoice) -> None:
        InvoiceRecord.objects.filter(pk=invoice.id).update(status=invoice.status.value, paid_at=invoice.paid_at)

    def list(self, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        queryset = InvoiceRecord.objects.defer("pdf")
        if filters.reseller_id is not None:
            key = parse_uuid(filters.reseller_id)
            if key is None:
                return Page(items=[], next_cursor=None)
            queryset = queryset.filter(reseller_id=key)
        if filters.period is not None:
            queryset = queryset.filter(period=str(filters.period))
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        return keyset_page(queryset, page, lambda row: invoice_to_domain(row, with_lines=False), time_field="issued_at")

    def open_ids(self, reseller_id: str) -> Sequence[str]:
        rows = InvoiceRecord.objects.filter(reseller_id=reseller_id, status=InvoiceStatus.ISSUED.value)
        return [str(pk) for pk in rows.values_list("id", flat=True)]

    def store_pdf(self, invoice_id: str, pdf: bytes) -> None:
        InvoiceRecord.objects.filter(pk=invoice_id, pdf_generated_at__isnull=True).update(
            pdf=pdf, pdf_generated_at=timezone.now()
        )

    def pdf(self, invoice_id: str) -> bytes | None:
        row = InvoiceRecord.objects.filter(pk=invoice_id).values_list("pdf", flat=True).first()
        return bytes(row) if row is not None else None


# --- payouts ------------------------------------------------------------------------------------


def payout_to_domain(row: PayoutRecord) -> Payout:
    return Payout(
        id=str(row.id),
        reseller_id=str(row.reseller_id),
        amount=Money(row.amount_minor, row.currency),
        method=PayoutMethod(row.method),
        destination=row.destination,
        status=PayoutStatus(row.status),
        reference=row.reference,
        failure_reason=row.failure_reason,
        rejection_reason=row.rejection_reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        completed_at=row.completed_at,
        livemode=row.livemode,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _payout_fields(p: Payout) -> dict[str, object]:
    return {
        "reseller_id": p.reseller_id,
        "amount_minor": p.amount.minor,
        "currency": p.amount.currency,
        "method": p.method.value,
        "destination": p.destination,
        "status": p.status.value,
        "reference": p.reference,
        "failure_reason": p.failure_reason,
        "rejection_reason": p.rejection_reason,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
        "completed_at": p.completed_at,
        "livemode": p.livemode,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


class DjangoPayoutRepository:
    def add(self, payout: Payout) -> None:
        PayoutRecord.objects.create(id=payout.id, **_payout_fields(payout))

    def get(self, payout_id: str) -> Payout | None:
        row = row_by_id(PayoutRecord.objects, payout_id)
        return payout_to_domain(row) if row else None

    def get_for_update(self, payout_id: str) -> Payout | None:
        row = row_by_id(PayoutRecord.objects, payout_id, for_update=True)
        return payout_to_domain(row) if row else None

    def save(self, payout: Payout) -> None:
        PayoutRecord.objects.filter(pk=payout.id).update(**_payout_fields(payout))

    def list(self, filters: PayoutFilter, page: PageRequest) -> Page[Payout]:
        queryset = PayoutRecord.objects.all()
        if filters.reseller_id is not None:
            key = parse_uuid(filters.reseller_id)
            if key is None:
                return Page(items=[], next_cursor=None)
            queryset = queryset.filter(reseller_id=key)
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        return keyset_page(queryset, page, payout_to_domain)

    def totals(self, reseller_id: str) -> PayoutTotals:
        sums = PayoutRecord.objects.filter(reseller_id=reseller_id).aggregate(
            completed=_sum(status=PayoutStatus.COMPLETED.value),
            reserved=_sum(status__in=[s.value for s in RESERVING_STATUSES]),
        )
        return PayoutTotals(completed_minor=int(sums["completed"]), reserved_minor=int(sums["reserved"]))


# --- leads --------------------------------------------------------------------------------------


def lead_to_domain(row: LeadRecord) -> Lead:
    return Lead(
        id=str(row.id),
        reseller_id=str(row.reseller_id),
        details=LeadDetails(name=row.name, company=row.company, email=row.email, phone=row.phone, notes=row.notes),
        status=LeadStatus(row.status),
        lost_reason=row.lost_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
    )


def _lead_fields(lead: Lead) -> dict[str, object]:
    d = lead.details
    return {
        "reseller_id": lead.reseller_id,
        "name": d.name,
        "company": d.company,
        "email": d.email,
        "phone": d.phone,
        "notes": d.notes,
        "status": lead.status.value,
        "lost_reason": lead.lost_reason,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "closed_at": lead.closed_at,
    }


class DjangoLeadRepository:
    def add(self, lead: Lead) -> None:
        LeadRecord.objects.create(id=lead.id, **_lead_fields(lead))

    def get(self, lead_id: str, *, for_update: bool = False) -> Lead | None:
        row = row_by_id(LeadRecord.objects, lead_id, for_update=for_update)
        return lead_to_domain(row) if row else None

    def save(self, lead: Lead) -> None:
        LeadRecord.objects.filter(pk=lead.id).update(**_lead_fields(lead))

    def list(self, filters: LeadFilter, page: PageRequest) -> Page[Lead]:
        queryset = LeadRecord.objects.all()
        if filters.reseller_id is not None:
            key = parse_uuid(filters.reseller_id)
            if key is None:
                return Page(items=[], next_cursor=None)
            queryset = queryset.filter(reseller_id=key)
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        return keyset_page(queryset, page, lead_to_domain)

    def count_by_status(self, reseller_id: str | None) -> dict[str, int]:
        queryset = LeadRecord.objects.all()
        if reseller_id is not None:
            key = parse_uuid(reseller_id)
            if key is None:
                return {}
            queryset = queryset.filter(reseller_id=key)
        rows = queryset.values("status").annotate(count=Count("id"))
        return {row["status"]: int(row["count"]) for row in rows}


# --- activity -----------------------------------------------------------------------------------


def activity_to_domain(row: ActivityRecord) -> ActivityEntry:
    return ActivityEntry(
        id=str(row.id),
        reseller_id=str(row.reseller_id),
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        created_at=row.created_at,
        actor_id=row.actor_id,
        data=row.data,
    )


class DjangoActivityLog:
    def add(self, entry: ActivityEntry) -> None:
        ActivityRecord.objects.create(
            id=entry.id,
            reseller_id=entry.reseller_id,
            actor_id=entry.actor_id,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            data=entry.data,
            created_at=entry.created_at,
        )

    def list(self, reseller_id: str, page: PageRequest) -> Page[ActivityEntry]:
        return keyset_page(ActivityRecord.objects.filter(reseller_id=reseller_id), page, activity_to_domain)
