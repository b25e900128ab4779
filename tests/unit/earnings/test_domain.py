"""Pure rules of the earnings domain: tiers, commission arithmetic, state machines, numbering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.earnings.commission import Commission, CommissionKind, CommissionStatus
from domain.earnings.invoice import INVOICE_SERIES, Period
from domain.earnings.lead import Lead, LeadDetails, LeadStatus
from domain.earnings.ledger import Ledger, settled_by_payouts
from domain.earnings.payout import Payout, PayoutMethod, PayoutStatus, validate_destination
from domain.earnings.reseller import (
    REFERRAL_ALPHABET,
    Reseller,
    ResellerStatus,
    generate_referral_code,
    is_well_formed_code,
)
from domain.earnings.tiers import Tier, TierTable, commission_for, default_tier_table, format_percent, parse_percent
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _commission(status: CommissionStatus = CommissionStatus.PENDING, sale: int = 100_000, amount: int = 22_000):
    return Commission(
        id="c1",
        reseller_id="r1",
        kind=CommissionKind.COMMISSION,
        status=status,
        currency="INR",
        payment_id="p1",
        sale_minor=sale,
        original_minor=amount,
        amount_minor=amount,
        created_at=NOW,
        updated_at=NOW,
    )


# --- tiers ----------------------------------------------------------------------------------------


def test_default_tiers_follow_seed_003_thresholds_and_rates():
    table = default_tier_table()
    assert [(t.name, t.min_sales_minor, t.rate_bps, t.bonus_bps) for t in table.tiers] == [
        ("bronze", 0, 1000, 0),
        ("silver", 500_000, 1500, 500),
        ("gold", 1_500_000, 2000, 1000),
        ("platinum", 5_000_000, 2500, 1500),
    ]


@pytest.mark.parametrize(
    ("sales", "tier"),
    [(0, "bronze"), (499_999, "bronze"), (500_000, "silver"), (1_499_999, "silver"), (1_500_000, "gold"),
     (4_999_999, "gold"), (5_000_000, "platinum"), (10**12, "platinum")],
)  # fmt: skip
def test_tier_for_trailing_sales(sales, tier):
    assert default_tier_table().tier_for(sales).name == tier


def test_bonus_is_a_share_of_the_commission_so_gold_pays_22_percent():
    gold = default_tier_table().get("gold")
    split = commission_for(100_000, gold)  # 1000.00 INR
    assert (split.base_minor, split.bonus_minor, split.total_minor) == (20_000, 2_000, 22_000)
    assert format_percent(gold.effective_bps) == "22.00"
    platinum = default_tier_table().get("platinum")
    assert commission_for(100_000, platinum).total_minor == 28_750  # 25 % + 15 % of it = 28.75 %


def test_commission_parts_are_rounded_down_to_the_minor_unit():
    silver = default_tier_table().get("silver")
    split = commission_for(1_01, silver)  # 1.01: 15 % = 15.15 paise -> 15, 5 % of 15 = 0.75 -> 0
    assert (split.base_minor, split.bonus_minor) == (15, 0)


def test_tier_table_validation():
    with pytest.raises(InvalidValue):
        TierTable.of([Tier("silver", 100, 1500, 0)])  # nobody would have a tier
    with pytest.raises(InvalidValue):
        TierTable.of([Tier("a", 0, 1000, 0), Tier("a", 10, 1000, 0)])
    with pytest.raises(InvalidValue):
        Tier("Bad Name", 0, 1000, 0)
    with pytest.raises(InvalidValue):
        Tier("x", 0, 10_001, 0)


@pytest.mark.parametrize(("raw", "bps"), [("10", 1000), ("22.5", 2250), ("0", 0), ("100", 10000), ("0.01", 1)])
def test_parse_percent(raw, bps):
    assert parse_percent(raw) == bps


@pytest.mark.parametrize("raw", ["-1", "100.01", "1.005", "abc", 1.5])
def test_parse_percent_refuses(raw):
    with pytest.raises(InvalidValue):
        parse_percent(raw)


# --- commissions ---------------------------------------------------------------------------------


def test_refund_before_invoicing_shrinks_the_commission_proportionally():
    c = _commission(CommissionStatus.APPROVED)
    assert c.apply_refund(refunded_total_minor=25_000, now=NOW) == 0
    assert c.amount_minor == 16_500  # 22,000 - floor(22,000 x 1/4)
    assert c.clawed_back_minor == 5_500
    # A replay, or an older refund event arriving late, changes nothing.
    assert c.apply_refund(refunded_total_minor=25_000, now=NOW) == 0
    assert c.apply_refund(refunded_total_minor=10_000, now=NOW) == 0
    assert c.amount_minor == 16_500
    # The rest of the payment refunded: nothing left.
    assert c.apply_refund(refunded_total_minor=100_000, now=NOW) == 0
    assert c.amount_minor == 0


def test_refund_after_payout_asks_for_a_clawback_and_leaves_the_commission_as_paid():
    c = _commission(CommissionStatus.PAID)
    assert c.apply_refund(refunded_total_minor=50_000, now=NOW) == 11_000
    assert c.amount_minor == 22_000
    assert c.apply_refund(refunded_total_minor=100_000, now=NOW) == 11_000
    assert c.clawed_back_minor == 22_000


def test_clawback_rounds_down_in_the_resellers_favour():
    c = _commission(CommissionStatus.APPROVED, sale=300, amount=100)
    c.apply_refund(refunded_total_minor=100, now=NOW)  # 1/3 of 100 = 33.3 -> 33
    assert c.amount_minor == 67


def test_rejected_commission_cannot_be_approved():
    c = _commission()
    c.reject(reason="fraud", by="admin", now=NOW)
    with pytest.raises(InvalidTransition) as caught:
        c.approve(by="admin", now=NOW)
    assert caught.value.kind == "conflict"
    assert caught.value.code == "commission_rejected"


def test_reject_needs_a_reason():
    with pytest.raises(InvalidValue):
        _commission().reject(reason="  ", by="admin", now=NOW)


def test_commission_state_machine():
    c = _commission()
    c.approve(by="", now=NOW)
    c.mark_invoiced("inv1", now=NOW)
    assert c.status is CommissionStatus.INVOICED
    c.mark_paid(now=NOW)
    assert c.status is CommissionStatus.PAID
    with pytest.raises(InvalidTransition):
        c.approve(by="", now=NOW)


# --- ledger ---------------------------------------------------------------------------------------


def test_balance_is_earned_minus_clawbacks_minus_payouts():
    ledger = Ledger(earned_minor=10_000, clawback_minor=1_000, paid_out_minor=5_000, reserved_minor=2_000)
    assert ledger.available_minor == 2_000


def test_payouts_settle_commissions_oldest_first():
    older = _commission(CommissionStatus.APPROVED, amount=3_000)
    newer = _commission(CommissionStatus.INVOICED, amount=4_000)
    newer.id, newer.created_at = "c2", NOW.replace(day=11)
    assert settled_by_payouts([newer, older], already_paid_minor=0, covered_minor=5_000) == [older]
    assert settled_by_payouts([newer, older], already_paid_minor=0, covered_minor=7_000) == [older, newer]


# --- payouts, leads, resellers, invoices ---------------------------------------------------------------


def test_payout_state_machine():
    p = Payout(
        id="p",
        reseller_id="r",
        amount=Money(50_000, "INR"),
        method=PayoutMethod.UPI,
        destination="me@upi",
        created_at=NOW,
        updated_at=NOW,
    )
    assert p.reserves_balance
    p.approve(by="a", now=NOW)
    p.start(now=NOW)
    p.fail(reason="bank down", now=NOW)
    assert p.status is PayoutStatus.FAILED
    assert not p.reserves_balance
    with pytest.raises(InvalidTransition):
        p.complete(reference="x", now=NOW)


@pytest.mark.parametrize(
    ("method", "destination", "ok"),
    [(PayoutMethod.UPI, "ravi@okhdfc", True), (PayoutMethod.UPI, "not a vpa", False),
     (PayoutMethod.BANK_TRANSFER, "HDFC0001234:50100012345678", True), (PayoutMethod.BANK_TRANSFER, "x", False)],
)  # fmt: skip
def test_payout_destinations(method, destination, ok):
    if ok:
        assert validate_destination(method, destination) == destination
    else:
        with pytest.raises(InvalidValue):
            validate_destination(method, destination)


def test_lead_pipeline():
    lead = Lead(id="l", reseller_id="r", details=LeadDetails(name="Acme"), created_at=NOW, updated_at=NOW)
    with pytest.raises(InvalidTransition):
        lead.move_to(LeadStatus.CONVERTED, now=NOW)
    assert lead.move_to(LeadStatus.CONTACTED, now=NOW)
    assert not lead.move_to(LeadStatus.CONTACTED, now=NOW)
    assert lead.move_to(LeadStatus.QUALIFIED, now=NOW)
    assert lead.move_to(LeadStatus.CONVERTED, now=NOW)
    assert lead.closed_at == NOW
    with pytest.raises(InvalidTransition):
        lead.move_to(LeadStatus.LOST, now=NOW)


def test_referral_codes_avoid_look_alike_characters():
    for _ in range(200):
        code = generate_referral_code()
        assert len(code) == 8
        assert is_well_formed_code(code)
        assert not set(code) & set("01OIL")
    assert set(REFERRAL_ALPHABET).isdisjoint("01OIL")
    assert not is_well_formed_code("ABCDEFG0")


def test_reseller_transitions():
    r = Reseller(id="r", user_id="u", referral_code="ABCDEFGH", created_at=NOW, updated_at=NOW)
    r.reject(reason="incomplete", by="a", now=NOW)
    r.reapply(r.details, now=NOW)
    assert r.status is ResellerStatus.PENDING
    r.approve(by="a", now=NOW)
    with pytest.raises(InvalidTransition):
        r.reject(reason="x", by="a", now=NOW)


def test_period_and_invoice_numbers():
    period = Period.parse("2026-12")
    assert period.start == datetime(2026, 12, 1, tzinfo=UTC)
    assert period.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert INVOICE_SERIES.number(period.compact, 7) == "INV-202612-0007"
    for bad in ["2026-13", "26-01", "2026/01", ""]:
        with pytest.raises(InvalidValue):
            Period.parse(bad)
