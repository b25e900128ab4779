"""The earnings repositories on the real database: resellers, tiers, referrals, commissions, invoices,
payouts, leads and the activity log, each through its application port."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.earnings.models import TierRecord
from adapters.django_orm.earnings.repositories import (
    DjangoActivityLog,
    DjangoAttributionRepository,
    DjangoCommissionRepository,
    DjangoInvoiceRepository,
    DjangoLeadRepository,
    DjangoPayoutRepository,
    DjangoResellerRepository,
    DjangoTierRepository,
)
from application.earnings.ports import (
    ActivityLog,
    AttributionRepository,
    CommissionFilter,
    CommissionRepository,
    CommissionTotals,
    InvoiceFilter,
    InvoiceRepository,
    LeadFilter,
    LeadRepository,
    PayoutFilter,
    PayoutRepository,
    PayoutTotals,
    ResellerFilter,
    ResellerRepository,
    StatusCount,
    TierRepository,
)
from application.shared.pagination import PageRequest
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import (
    Commission,
    CommissionKind,
    CommissionStatus,
    RefundEffect,
    RefundMode,
    RefundState,
)
from domain.earnings.invoice import Invoice, InvoiceLine, InvoiceStatus, Period
from domain.earnings.lead import Lead, LeadDetails, LeadStatus
from domain.earnings.payout import Payout, PayoutMethod, PayoutStatus
from domain.earnings.reseller import Attribution, Reseller, ResellerDetails, ResellerStatus
from domain.earnings.tiers import Tier, TierTable, default_tier_table
from domain.shared.money import Money
from tests.factories.earnings import (
    ActivityFactory,
    AttributionFactory,
    CommissionFactory,
    EarningsInvoiceFactory,
    LeadFactory,
    PayoutFactory,
    ResellerFactory,
    TierFactory,
)
from tests.integration.repository_checks import NOW, assert_locks_row, walk

pytestmark = pytest.mark.django_db

JANUARY = Period(2026, 1)


def _reseller(**overrides: object) -> Reseller:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "user_id": str(uuid.uuid4()),
        "referral_code": uuid.uuid4().hex[:8].upper(),
        "status": ResellerStatus.REJECTED,
        "details": ResellerDetails(
            business_name="Asha Referrals", phone="+91 1", website="https://asha.example", pitch="Shops — in Pune"
        ),
        "tier": "gold",
        "trailing_sales_minor": 123456789,
        "rejection_reason": "incomplete",
        "decided_by": "admin-1",
        "decided_at": NOW + timedelta(hours=1),
        "created_at": NOW,
        "updated_at": NOW + timedelta(hours=1),
    }
    fields.update(overrides)
    return Reseller(**fields)  # type: ignore[arg-type]


def _commission(reseller_id: str, **overrides: object) -> Commission:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "reseller_id": reseller_id,
        "kind": CommissionKind.COMMISSION,
        "status": CommissionStatus.APPROVED,
        "currency": "INR",
        "payment_id": str(uuid.uuid4()),
        "order_id": str(uuid.uuid4()),
        "account_id": str(uuid.uuid4()),
        "sale_minor": 150000,
        "refunded_sale_minor": 20000,
        "tier": "silver",
        "rate_bps": 1500,
        "bonus_bps": 1000,
        "base_minor": 22500,
        "bonus_minor": 2250,
        "original_minor": 24750,
        "amount_minor": 21450,
        "clawed_back_minor": 3300,
        "refunds": {
            "rf_1": RefundEffect(
                refund_id="rf_1", amount_minor=20000, clawed_minor=3300, mode=RefundMode.IN_PLACE, restored_by=""
            ),
            "rf_2": RefundEffect(
                refund_id="rf_2", amount_minor=500, state=RefundState.FAILED, mode=RefundMode.NONE, restored_by="none"
            ),
        },
        "hold_until": NOW + timedelta(days=14),
        "reason": "",
        "decided_by": "admin-1",
        "decided_at": NOW + timedelta(days=1),
        "paid_at": None,
        "created_at": NOW,
        "updated_at": NOW + timedelta(days=1),
    }
    fields.update(overrides)
    return Commission(**fields)  # type: ignore[arg-type]


# --- resellers ----------------------------------------------------------------------------------


@pytest.fixture
def resellers() -> ResellerRepository:
    return DjangoResellerRepository()


def test_a_reseller_round_trips_every_field(resellers):
    reseller = _reseller()
    assert resellers.add(reseller)
    assert resellers.get(reseller.id) == reseller
    assert resellers.by_user(reseller.user_id) == reseller
    assert resellers.by_code(reseller.referral_code) == reseller


def test_referral_codes_and_users_are_unique(resellers):
    first = _reseller()
    assert resellers.add(first)
    assert not resellers.add(_reseller(referral_code=first.referral_code))
    assert not resellers.add(_reseller(user_id=first.user_id))
    assert [r.id for r in resellers.list(ResellerFilter(), PageRequest()).items] == [first.id]


@pytest.mark.parametrize("reseller_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_reseller_id_is_none(resellers, reseller_id):
    ResellerFactory()
    assert resellers.get(reseller_id) is None
    with transaction.atomic():
        assert resellers.get_for_update(reseller_id) is None
        assert resellers.by_user(reseller_id, for_update=True) is None
    assert resellers.by_code("NOPE") is None


def test_saving_a_reseller_writes_every_field(resellers):
    reseller = _reseller()
    resellers.add(reseller)
    approved = replace(
        reseller,
        status=ResellerStatus.APPROVED,
        details=ResellerDetails(business_name="New name"),
        tier="platinum",
        trailing_sales_minor=0,
        rejection_reason="",
        updated_at=NOW + timedelta(days=2),
    )
    resellers.save(approved)
    assert resellers.get(reseller.id) == approved


def test_resellers_page_and_filter(resellers):
    rows = [
        ResellerFactory(status="approved" if n % 2 else "pending", created_at=NOW + timedelta(seconds=n // 2))
        for n in range(5)
    ]
    pages = walk(lambda page: resellers.list(ResellerFilter(), page), limit=2)
    expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    assert [r.id for page in pages for r in page] == [str(r.id) for r in expected]
    approved = {str(r.id) for r in rows if r.status == "approved"}
    assert {r.id for r in resellers.list(ResellerFilter(status=ResellerStatus.APPROVED), PageRequest()).items} == (
        approved
    )
    assert set(resellers.approved_ids()) == approved


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_reseller_row(resellers):
    row = ResellerFactory()
    assert assert_locks_row(lambda: resellers.get_for_update(str(row.id))).id == str(row.id)
    assert assert_locks_row(lambda: resellers.by_user(row.user_id, for_update=True)).id == str(row.id)


# --- tiers --------------------------------------------------------------------------------------


def test_an_empty_tier_table_falls_back_to_the_defaults():
    TierRecord.objects.all().delete()  # a migration seeds the defaults; an operator may have emptied it
    tiers: TierRepository = DjangoTierRepository(currency_exponent=3)
    assert tiers.table() == default_tier_table(3)


def test_replacing_the_tier_table_round_trips():
    tiers: TierRepository = DjangoTierRepository()
    TierFactory()  # replaced along with the seeded rows
    table = TierTable(
        (Tier("bronze", 0, 1000, 0), Tier("silver", 5000000, 1500, 500), Tier("gold", 20000000, 2000, 1000))
    )
    tiers.replace(table)
    assert tiers.table() == table


def test_a_lowest_tier_above_zero_is_read_as_starting_at_zero():
    TierRecord.objects.all().delete()
    TierFactory(name="silver", min_sales_minor=100, rate_bps=1500, bonus_bps=0)
    TierFactory(name="gold", min_sales_minor=900, rate_bps=2000, bonus_bps=0)
    table = DjangoTierRepository().table()
    assert [(t.name, t.min_sales_minor) for t in table.tiers] == [("silver", 0), ("gold", 900)]


# --- attributions -------------------------------------------------------------------------------


@pytest.fixture
def attributions() -> AttributionRepository:
    return DjangoAttributionRepository()


def test_an_attribution_round_trips_and_an_account_has_one(attributions):
    reseller = ResellerFactory()
    attribution = Attribution(
        id=str(uuid.uuid4()),
        reseller_id=str(reseller.id),
        account_id="acct-1",
        role="merchant",
        referral_code=reseller.referral_code,
        created_at=NOW,
    )
    assert attributions.add(attribution)
    assert attributions.for_account("acct-1") == attribution
    assert not attributions.add(replace(attribution, id=str(uuid.uuid4()), reseller_id=str(ResellerFactory().id)))
    assert attributions.for_account("acct-2") is None


def test_attributions_page_and_count_per_reseller(attributions):
    reseller = ResellerFactory()
    rows = [AttributionFactory(reseller=reseller, created_at=NOW + timedelta(seconds=n)) for n in range(3)]
    AttributionFactory()
    pages = walk(lambda page: attributions.list(str(reseller.id), page), limit=2)
    assert [a.id for page in pages for a in page] == [str(r.id) for r in reversed(rows)]
    assert attributions.count(str(reseller.id)) == 3


# --- commissions --------------------------------------------------------------------------------


@pytest.fixture
def commissions() -> CommissionRepository:
    return DjangoCommissionRepository()


def test_a_commission_round_trips_every_field_including_its_refunds(commissions):
    reseller = ResellerFactory()
    invoice = EarningsInvoiceFactory(reseller=reseller)
    commission = _commission(str(reseller.id), invoice_id=str(invoice.id), status=CommissionStatus.INVOICED)
    assert commissions.add(commission)
    assert commissions.get(commission.id) == commission
    with transaction.atomic():
        assert commissions.for_payment(commission.payment_id) == commission


def test_a_clawback_round_trips_with_its_parent(commissions):
    parent = CommissionFactory(status="approved")
    clawback = _commission(
        str(parent.reseller_id),
        kind=CommissionKind.CLAWBACK,
        payment_id=parent.payment_id,
        amount_minor=-1500,
        original_minor=0,
        refunds={},
        parent_id=str(parent.id),
        source_key="rf_9",
        hold_until=None,
    )
    assert commissions.add(clawback)
    assert commissions.get(clawback.id) == clawback
    with transaction.atomic():
        found = commissions.for_payment(parent.payment_id)
    assert found is not None
    assert found.id == str(parent.id)  # the commission, never its clawback
    assert not commissions.add(replace(clawback, id=str(uuid.uuid4())))  # one clawback per refund


def test_one_commission_per_payment(commissions):
    existing = CommissionFactory()
    assert not commissions.add(_commission(str(existing.reseller_id), payment_id=existing.payment_id))


def test_the_amount_sign_follows_the_kind(commissions):
    reseller = ResellerFactory()
    assert not commissions.add(_commission(str(reseller.id), kind=CommissionKind.CLAWBACK, amount_minor=10))
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionFactory(kind="adjustment", amount_minor=-1)


@pytest.mark.parametrize("commission_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_commission_id_is_none(commissions, commission_id):
    CommissionFactory()
    assert commissions.get(commission_id) is None
    with transaction.atomic():
        assert commissions.get_for_update(commission_id) is None
        assert commissions.for_payment(commission_id) is None


def test_saving_a_commission_writes_every_field(commissions):
    commission = _commission(str(ResellerFactory().id))
    commissions.add(commission)
    paid = replace(
        commission,
        status=CommissionStatus.PAID,
        amount_minor=20000,
        refunds={},
        paid_at=NOW + timedelta(days=30),
        updated_at=NOW + timedelta(days=30),
    )
    commissions.save(paid)
    assert commissions.get(commission.id) == paid


def test_commissions_page_and_filter(commissions):
    reseller = ResellerFactory()
    rows = [
        CommissionFactory(
            reseller=reseller, status="approved" if n % 2 else "pending", created_at=NOW + timedelta(days=10 * n)
        )
        for n in range(5)
    ]
    CommissionFactory()
    pages = walk(lambda page: commissions.list(CommissionFilter(reseller_id=str(reseller.id)), page), limit=2)
    assert [c.id for page in pages for c in page] == [str(r.id) for r in reversed(rows)]

    def ids(**filters: object) -> set[str]:
        found = commissions.list(CommissionFilter(reseller_id=str(reseller.id), **filters), PageRequest())  # type: ignore[arg-type]
        return {c.id for c in found.items}

    assert ids(status=CommissionStatus.APPROVED) == {str(r.id) for r in rows if r.status == "approved"}
    assert ids(period=JANUARY) == {str(r.id) for r in rows[:2]}
    assert ids(payment_id=rows[3].payment_id) == {str(rows[3].id)}
    assert ids(kind=CommissionKind.CLAWBACK) == set()
    assert commissions.list(CommissionFilter(reseller_id="bad"), PageRequest()).items == []


def test_totals_by_kind_and_status(commissions):
    reseller = ResellerFactory()
    for status, amount in (("approved", 1000), ("invoiced", 2000), ("paid", 4000), ("pending", 8000), ("rejected", 16)):
        CommissionFactory(reseller=reseller, status=status, amount_minor=amount)
    parent = CommissionFactory(reseller=reseller, status="paid", amount_minor=32000)
    CommissionFactory(
        reseller=reseller, kind="clawback", status="approved", amount_minor=-300, parent=parent, source_key="r1"
    )
    CommissionFactory(
        reseller=reseller, kind="clawback", status="rejected", amount_minor=-50, parent=parent, source_key="r2"
    )
    CommissionFactory(
        reseller=reseller, kind="adjustment", status="approved", amount_minor=100, parent=parent, source_key="r3"
    )
    CommissionFactory(reseller=reseller, currency="USD", status="approved", amount_minor=64)
    assert commissions.totals(str(reseller.id), "INR") == CommissionTotals(
        earned_minor=1000 + 2000 + 4000 + 32000 + 100, clawback_minor=300, pending_minor=8000, paid_minor=36000
    )
    assert commissions.by_status(str(reseller.id)) == {
        "pending": StatusCount(1, 8000),
        "approved": StatusCount(2, 1064),
        "rejected": StatusCount(1, 16),
        "invoiced": StatusCount(1, 2000),
        "paid": StatusCount(2, 36000),
    }


def test_settlement_and_invoicing_candidates_are_oldest_first(commissions):
    reseller = ResellerFactory()
    invoice = EarningsInvoiceFactory(reseller=reseller)
    approved = CommissionFactory(reseller=reseller, status="approved", created_at=NOW + timedelta(days=2))
    invoiced = CommissionFactory(reseller=reseller, status="invoiced", invoice=invoice, created_at=NOW)
    paid = CommissionFactory(reseller=reseller, status="paid", created_at=NOW + timedelta(days=1))
    CommissionFactory(reseller=reseller, status="approved", created_at=NOW + timedelta(days=40))  # February
    CommissionFactory(reseller=reseller, status="pending", created_at=NOW)
    with transaction.atomic():
        assert [c.id for c in commissions.open_for_settlement(str(reseller.id))][:2] == [
            str(invoiced.id),
            str(approved.id),
        ]
        assert [c.id for c in commissions.invoiceable(str(reseller.id), JANUARY)] == [str(paid.id), str(approved.id)]
    assert commissions.unpaid_on_invoice(str(invoice.id)) == 1


def test_due_for_approval_is_pending_past_the_hold(commissions):
    late = CommissionFactory(hold_until=NOW - timedelta(days=1))
    later = CommissionFactory(hold_until=NOW - timedelta(days=2))
    CommissionFactory(hold_until=NOW + timedelta(days=1))
    CommissionFactory(hold_until=NOW - timedelta(days=3), status="approved")
    assert commissions.due_for_approval(now=NOW, limit=10) == [str(later.id), str(late.id)]
    assert commissions.due_for_approval(now=NOW, limit=1) == [str(later.id)]


def test_sales_and_monthly_earnings(commissions):
    reseller = ResellerFactory()
    CommissionFactory(reseller=reseller, sale_minor=100000, refunded_sale_minor=25000, amount_minor=500, created_at=NOW)
    CommissionFactory(reseller=reseller, sale_minor=40000, amount_minor=700, created_at=NOW + timedelta(days=31))
    CommissionFactory(reseller=reseller, sale_minor=99999, amount_minor=900, status="rejected", created_at=NOW)
    CommissionFactory(reseller=reseller, sale_minor=1, amount_minor=1, created_at=NOW - timedelta(days=400))
    assert commissions.sales_since(str(reseller.id), since=NOW - timedelta(days=1), currency="INR") == 115000
    assert commissions.sales_since(str(reseller.id), since=NOW - timedelta(days=1), currency="USD") == 0
    assert commissions.earned_by_month(str(reseller.id), since=NOW - timedelta(days=30)) == {
        "2026-01": 500,
        "2026-02": 700,
    }


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_commission_row(commissions):
    row = CommissionFactory()
    assert assert_locks_row(lambda: commissions.get_for_update(str(row.id))).id == str(row.id)


# --- invoices -----------------------------------------------------------------------------------


@pytest.fixture
def invoices() -> InvoiceRepository:
    return DjangoInvoiceRepository()


def _invoice(reseller_id: str, number: str = "INV-202601-0001") -> Invoice:
    lines = [
        InvoiceLine(
            commission_id=str(uuid.uuid4()),
            kind=kind,
            payment_id=str(uuid.uuid4()),
            description=f"{kind} — payment",
            sale_minor=sale,
            amount_minor=amount,
            earned_at=NOW + timedelta(days=n),
        )
        for n, (kind, sale, amount) in enumerate((("commission", 100000, 10000), ("clawback", 0, -2500)))
    ]
    return Invoice(
        id=str(uuid.uuid4()),
        number=number,
        reseller_id=reseller_id,
        period=JANUARY,
        currency="INR",
        total_minor=7500,
        issued_by="admin-1",
        issued_at=NOW + timedelta(days=32),
        lines=lines,
    )


def test_an_invoice_round_trips_with_its_lines_in_order(invoices):
    invoice = _invoice(str(ResellerFactory().id))
    invoices.add(invoice)
    assert invoices.get(invoice.id) == invoice


def test_a_commission_is_on_one_invoice_line_only(invoices):
    reseller = str(ResellerFactory().id)
    first = _invoice(reseller)
    invoices.add(first)
    second = replace(_invoice(reseller, number="INV-202601-0002"), lines=first.lines[:1])
    with pytest.raises(IntegrityError), transaction.atomic():
        invoices.add(second)
    with pytest.raises(IntegrityError), transaction.atomic():
        invoices.add(replace(_invoice(reseller), id=str(uuid.uuid4())))  # the number is taken


def test_marking_paid_and_storing_the_pdf_once(invoices):
    invoice = _invoice(str(ResellerFactory().id))
    invoices.add(invoice)
    assert invoices.pdf(invoice.id) is None
    invoices.store_pdf(invoice.id, b"%PDF first")
    invoices.store_pdf(invoice.id, b"%PDF second")
    assert invoices.pdf(invoice.id) == b"%PDF first"
    paid = replace(invoice, status=InvoiceStatus.PAID, paid_at=NOW + timedelta(days=40))
    invoices.save_status(paid)
    assert invoices.get(invoice.id) == replace(paid, pdf_ready=True)


@pytest.mark.parametrize("invoice_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_invoice_id_is_none(invoices, invoice_id):
    EarningsInvoiceFactory()
    assert invoices.get(invoice_id) is None


def test_invoices_page_by_issue_date_without_lines(invoices):
    reseller = ResellerFactory()
    rows = [
        EarningsInvoiceFactory(
            reseller=reseller, issued_at=NOW + timedelta(days=n), status="paid" if n == 1 else "issued"
        )
        for n in range(3)
    ]
    EarningsInvoiceFactory(reseller=reseller, period="2026-02")
    EarningsInvoiceFactory()
    pages = walk(lambda page: invoices.list(InvoiceFilter(reseller_id=str(reseller.id), period=JANUARY), page), limit=2)
    assert [i.id for page in pages for i in page] == [str(r.id) for r in reversed(rows)]
    assert all(i.lines == [] for page in pages for i in page)
    paid = invoices.list(InvoiceFilter(status=InvoiceStatus.PAID), PageRequest()).items
    assert [i.id for i in paid] == [str(rows[1].id)]
    assert invoices.list(InvoiceFilter(reseller_id="bad"), PageRequest()).items == []
    assert set(invoices.open_ids(str(reseller.id))) == {str(r.id) for r in reseller.invoices.filter(status="issued")}


# --- payouts ------------------------------------------------------------------------------------


@pytest.fixture
def payouts() -> PayoutRepository:
    return DjangoPayoutRepository()


def _payout(reseller_id: str, **overrides: object) -> Payout:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "reseller_id": reseller_id,
        "amount": Money(123456, "INR"),
        "method": PayoutMethod.BANK_TRANSFER,
        "destination": "HDFC0001234 / 001234567890",
        "status": PayoutStatus.COMPLETED,
        "reference": "po_1",
        "failure_reason": "",
        "rejection_reason": "",
        "decided_by": "admin-1",
        "decided_at": NOW + timedelta(hours=1),
        "completed_at": NOW + timedelta(hours=2),
        "livemode": False,
        "created_at": NOW,
        "updated_at": NOW + timedelta(hours=2),
    }
    fields.update(overrides)
    return Payout(**fields)  # type: ignore[arg-type]


def test_a_payout_round_trips_and_saves_every_field(payouts):
    payout = _payout(str(ResellerFactory().id))
    payouts.add(payout)
    assert payouts.get(payout.id) == payout
    failed = replace(payout, status=PayoutStatus.FAILED, failure_reason="account closed", completed_at=None)
    payouts.save(failed)
    assert payouts.get(payout.id) == failed


@pytest.mark.parametrize("payout_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_payout_id_is_none(payouts, payout_id):
    PayoutFactory()
    assert payouts.get(payout_id) is None
    with transaction.atomic():
        assert payouts.get_for_update(payout_id) is None


def test_payouts_page_filter_and_totals(payouts):
    reseller = ResellerFactory()
    statuses = ("requested", "approved", "processing", "completed", "failed", "rejected")
    rows = [
        PayoutFactory(reseller=reseller, status=status, amount_minor=10**n, created_at=NOW + timedelta(seconds=n))
        for n, status in enumerate(statuses)
    ]
    PayoutFactory()
    pages = walk(lambda page: payouts.list(PayoutFilter(reseller_id=str(reseller.id)), page), limit=4)
    assert [p.id for page in pages for p in page] == [str(r.id) for r in reversed(rows)]
    done = payouts.list(PayoutFilter(status=PayoutStatus.COMPLETED, reseller_id=str(reseller.id)), PageRequest())
    assert [p.id for p in done.items] == [str(rows[3].id)]
    assert payouts.totals(str(reseller.id)) == PayoutTotals(completed_minor=1000, reserved_minor=1 + 10 + 100)
    assert payouts.list(PayoutFilter(reseller_id="bad"), PageRequest()).items == []


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_payout_row(payouts):
    row = PayoutFactory()
    assert assert_locks_row(lambda: payouts.get_for_update(str(row.id))).id == str(row.id)


# --- leads and activity -------------------------------------------------------------------------


@pytest.fixture
def leads() -> LeadRepository:
    return DjangoLeadRepository()


def test_a_lead_round_trips_and_saves_every_field(leads):
    lead = Lead(
        id=str(uuid.uuid4()),
        reseller_id=str(ResellerFactory().id),
        details=LeadDetails(
            name="Kiran Stores", company="Kiran", email="k@example.com", phone="1", notes="Call — Monday"
        ),
        status=LeadStatus.QUALIFIED,
        created_at=NOW,
        updated_at=NOW + timedelta(days=1),
    )
    leads.add(lead)
    assert leads.get(lead.id) == lead
    lost = replace(lead, status=LeadStatus.LOST, lost_reason="went elsewhere", closed_at=NOW + timedelta(days=3))
    leads.save(lost)
    with transaction.atomic():
        assert leads.get(lead.id, for_update=True) == lost
    assert leads.get("not-a-uuid") is None
    assert leads.get(str(uuid.uuid4())) is None


def test_leads_page_filter_and_count(leads):
    reseller = ResellerFactory()
    rows = [
        LeadFactory(
            reseller=reseller,
            status="lost" if n == 0 else "new",
            created_at=NOW + timedelta(seconds=n),
        )
        for n in range(3)
    ]
    LeadFactory(status="contacted")
    pages = walk(lambda page: leads.list(LeadFilter(reseller_id=str(reseller.id)), page), limit=2)
    assert [lead.id for page in pages for lead in page] == [str(r.id) for r in reversed(rows)]
    new = leads.list(LeadFilter(reseller_id=str(reseller.id), status=LeadStatus.NEW), PageRequest()).items
    assert {lead.id for lead in new} == {str(rows[1].id), str(rows[2].id)}
    assert leads.count_by_status(str(reseller.id)) == {"new": 2, "lost": 1}
    assert leads.count_by_status(None) == {"new": 2, "lost": 1, "contacted": 1}
    assert leads.count_by_status("bad") == {}
    assert leads.list(LeadFilter(reseller_id="bad"), PageRequest()).items == []


def test_the_activity_log_keeps_entries_newest_first_per_reseller():
    log: ActivityLog = DjangoActivityLog()
    reseller = ResellerFactory()
    entries = [
        ActivityEntry(
            id=str(uuid.uuid4()),
            reseller_id=str(reseller.id),
            action="payout.completed",
            subject_type="payout",
            subject_id=str(uuid.uuid4()),
            created_at=NOW + timedelta(seconds=n),
            actor_id="admin-1" if n else "",
            data={"amount": "1234.56", "n": n, "tags": ["a"]},
        )
        for n in range(3)
    ]
    for entry in entries:
        log.add(entry)
    ActivityFactory()
    pages = walk(lambda page: log.list(str(reseller.id), page), limit=2)
    assert [entry for page in pages for entry in page] == list(reversed(entries))
