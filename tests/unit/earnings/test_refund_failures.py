"""Refund failures give the commission back (issue #13): per-refund bookkeeping on fakes.

Events are built as the payments context publishes them: ``payment.refunded`` names one refund
(its own amount) and the payment's cumulative refunds; ``refund.failed`` names the refund, whether
it had been counted (``reversed``) and whether it is a refund or an automatic ``return``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from application.earnings.commissions import (
    RefundFailure,
    SaleFact,
    SyncOutcome,
    commission_refund_failed,
    commissions_auto_approve,
    refund_failure_from_event,
    sale_from_event,
)
from domain.earnings.commission import (
    Commission,
    CommissionKind,
    CommissionStatus,
    RefundMode,
    RefundState,
)
from domain.shared.errors import InvalidTransition
from tests.unit.earnings.world import World

CAPTURED = 100_000  # 1,000.00 INR; a bronze reseller earns 10 %: 10,000


def refunded(world: World, account: str, payment_id: str, refund_id: str, amount: int, total: int) -> SyncOutcome:
    """``payment.refunded`` for one refund: its amount, and the payment's cumulative refunds."""
    return world.sync(
        SaleFact(
            payment_id=payment_id,
            order_id=f"ord-{payment_id}",
            account_id=account,
            currency="INR",
            captured_minor=CAPTURED,
            refunded_minor=total,
            refund_id=refund_id,
            refund_minor=amount,
        )
    )


def failed(
    world: World,
    account: str,
    payment_id: str,
    refund_id: str,
    amount: int,
    *,
    reversed_: bool = True,
    kind: str = "refund",
    total_after: int = 0,
) -> SyncOutcome:
    """``refund.failed``: the payment as it is after the reversal."""
    world.clock.advance(seconds=1)
    sale = SaleFact(
        payment_id=payment_id,
        order_id=f"ord-{payment_id}",
        account_id=account,
        currency="INR",
        captured_minor=CAPTURED,
        refunded_minor=total_after,
        refund_id=refund_id,
        refund_minor=amount,
        refund_kind=kind,
    )
    return commission_refund_failed(
        uow=world.uow,
        accounts=world.accounts,
        failure=RefundFailure(sale=sale, reversed=reversed_),
        config=world.config,
        clock=world.clock,
    )


def commission_of(world: World, payment_id: str) -> Commission:
    found = world.uow.commissions.for_payment(payment_id)
    assert found is not None
    return found


def actions(world: World) -> list[str]:
    return [entry.action for entry in world.uow.activity.entries]


def kinds(world: World, kind: CommissionKind) -> list[Commission]:
    return [c for c in world.uow.commissions.rows.values() if c.kind is kind]


def test_a_failed_refund_gives_a_reduced_commission_its_amount_back():
    world = World()
    merchant = world.merchant()
    commission = world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1")).commission
    refunded(world, merchant, "pay-1", "re-1", 50_000, 50_000)
    assert commission_of(world, "pay-1").amount_minor == 5_000
    outcome = failed(world, merchant, "pay-1", "re-1", 50_000)
    assert outcome.restored_minor == 5_000
    after = commission_of(world, "pay-1")
    assert (after.id, after.amount_minor, after.refunded_sale_minor, after.clawed_back_minor) == (
        commission.id,
        10_000,
        0,
        0,
    )
    assert after.refunds["re-1"].state is RefundState.FAILED
    assert "commission.restored" in actions(world)
    # Replays of either event change nothing.
    assert failed(world, merchant, "pay-1", "re-1", 50_000).restored_minor == 0
    refunded(world, merchant, "pay-1", "re-1", 50_000, 50_000)
    assert commission_of(world, "pay-1").amount_minor == 10_000
    assert actions(world).count("commission.restored") == 1


def test_a_failed_refund_voids_its_clawback_before_it_is_invoiced_or_settled():
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    world.pay_out(world.request_payout("100.00").id)
    assert commission_of(world, "pay-1").status is CommissionStatus.PAID
    clawback = refunded(world, merchant, "pay-1", "re-1", 25_000, 25_000).clawback
    assert clawback is not None
    assert clawback.amount_minor == -2_500
    assert world.available() == -2_500
    outcome = failed(world, merchant, "pay-1", "re-1", 25_000)
    assert outcome.voided is not None
    assert outcome.voided.id == clawback.id
    voided = world.uow.commissions.get(clawback.id)
    assert voided.status is CommissionStatus.REJECTED
    assert "re-1" in voided.reason
    assert world.available() == 0
    assert commission_of(world, "pay-1").refunds["re-1"].restored_by == "void"
    assert "commission.clawback_voided" in actions(world)
    assert kinds(world, CommissionKind.ADJUSTMENT) == []
    # Replayed: nothing more.
    assert failed(world, merchant, "pay-1", "re-1", 25_000).voided is None
    assert world.available() == 0


def test_a_failed_refund_whose_clawback_was_settled_gets_a_compensating_adjustment():
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    world.pay_out(world.request_payout("100.00").id)
    clawback = refunded(world, merchant, "pay-1", "re-1", 50_000, 50_000).clawback
    # The clawback is settled against the next payout.
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-2"))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    assert world.available() == 5_000
    world.pay_out(world.request_payout("50.00").id)
    assert world.uow.commissions.get(clawback.id).status is CommissionStatus.PAID
    assert world.available() == 0
    outcome = failed(world, merchant, "pay-1", "re-1", 50_000)
    adjustment = outcome.adjustment
    assert adjustment is not None
    assert (adjustment.kind, adjustment.status, adjustment.amount_minor) == (
        CommissionKind.ADJUSTMENT,
        CommissionStatus.APPROVED,
        5_000,
    )
    assert (adjustment.parent_id, adjustment.source_key) == (commission_of(world, "pay-1").id, "re-1")
    assert world.uow.commissions.get(clawback.id).status is CommissionStatus.PAID  # settled stays settled
    assert world.available() == 5_000
    assert "commission.adjustment" in actions(world)
    # Replayed: one adjustment only.
    assert failed(world, merchant, "pay-1", "re-1", 50_000).adjustment is None
    assert len(kinds(world, CommissionKind.ADJUSTMENT)) == 1
    # The adjustment is paid with the next payout, and appears on the next invoice as a positive line.
    invoice = world.invoice("2026-03")
    assert any(line.kind == "adjustment" and line.amount_minor == 5_000 for line in invoice.lines)
    world.pay_out(world.request_payout("50.00").id)
    assert world.uow.commissions.get(adjustment.id).status is CommissionStatus.PAID
    assert world.available() == 0


def test_a_failed_refund_on_a_commission_reduced_and_then_paid_is_given_back_by_an_adjustment():
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    refunded(world, merchant, "pay-1", "re-1", 40_000, 40_000)  # in place, while pending: 10,000 -> 6,000
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    world.pay_out(world.request_payout("60.00").id)
    assert commission_of(world, "pay-1").status is CommissionStatus.PAID
    outcome = failed(world, merchant, "pay-1", "re-1", 40_000)
    assert outcome.adjustment is not None
    assert outcome.adjustment.amount_minor == 4_000
    assert commission_of(world, "pay-1").amount_minor == 6_000  # what was paid stays as it was
    assert world.available() == 4_000


def test_a_failure_handled_before_its_refund_is_remembered_and_the_late_refund_takes_nothing():
    world = World()
    merchant = world.merchant()
    # refund.failed overtakes even the capture: the commission is created from the failure's payment.
    outcome = failed(world, merchant, "pay-1", "re-1", 30_000)
    assert outcome.created
    commission = commission_of(world, "pay-1")
    assert commission.refunds["re-1"].state is RefundState.FAILED
    assert (commission.amount_minor, commission.refunded_sale_minor) == (10_000, 0)
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    late = refunded(world, merchant, "pay-1", "re-1", 30_000, 30_000)
    assert late.clawback is None
    after = commission_of(world, "pay-1")
    assert (after.amount_minor, after.refunded_sale_minor, after.clawed_back_minor) == (10_000, 0, 0)
    assert "commission.reduced" not in actions(world)


def test_after_payout_a_late_refund_of_a_failed_refund_creates_no_clawback():
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    world.pay_out(world.request_payout("100.00").id)
    failed(world, merchant, "pay-1", "re-1", 50_000)
    assert refunded(world, merchant, "pay-1", "re-1", 50_000, 50_000).clawback is None
    assert kinds(world, CommissionKind.CLAWBACK) == []
    assert world.available() == 0


def test_returns_and_refusals_that_counted_nothing_are_ignored():
    world = World()
    merchant = world.merchant()
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    refunded(world, merchant, "pay-1", "re-1", 50_000, 50_000)
    before = commission_of(world, "pay-1")
    assert failed(world, merchant, "pay-1", "ret-1", 50_000, kind="return").skipped == "return"
    assert failed(world, merchant, "pay-1", "re-1", 50_000, reversed_=False).skipped == "not_reversed"
    after = commission_of(world, "pay-1")
    assert after.amount_minor == before.amount_minor == 5_000
    assert after.refunds.keys() == {"re-1"}
    # A return never claws back either, even if one reached the refund path.
    world.sync(
        SaleFact(
            payment_id="pay-1",
            order_id="ord-pay-1",
            account_id=merchant,
            currency="INR",
            captured_minor=CAPTURED,
            refunded_minor=50_000,
            refund_id="ret-2",
            refund_minor=20_000,
            refund_kind="return",
        )
    )
    assert commission_of(world, "pay-1").amount_minor == 5_000


def test_the_tier_follows_the_net_refunded_total():
    world = World()
    merchant = world.merchant()
    world.sync(world.sale(merchant, 500_000, payment_id="pay-1"))  # 5,000.00: silver
    assert world.uow.resellers.get(world.reseller.id).tier == "silver"
    world.sync(
        SaleFact(
            payment_id="pay-1",
            order_id="ord-pay-1",
            account_id=merchant,
            currency="INR",
            captured_minor=500_000,
            refunded_minor=100_000,
            refund_id="re-1",
            refund_minor=100_000,
        )
    )
    assert world.uow.resellers.get(world.reseller.id).tier == "bronze"
    world.clock.advance(seconds=1)
    commission_refund_failed(
        uow=world.uow,
        accounts=world.accounts,
        failure=RefundFailure(
            sale=SaleFact(
                payment_id="pay-1",
                order_id="ord-pay-1",
                account_id=merchant,
                currency="INR",
                captured_minor=500_000,
                refunded_minor=0,
                refund_id="re-1",
                refund_minor=100_000,
            ),
            reversed=True,
        ),
        config=world.config,
        clock=world.clock,
    )
    assert world.uow.resellers.get(world.reseller.id).tier == "silver"


# Two refunds of one payment, the first fails; every order of the four events ends the same way.
EVENTS = ("refunded-1", "refunded-2", "failed-1", "replay-refunded-1")


@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)))
@pytest.mark.parametrize("paid_first", [False, True])
def test_any_order_of_refund_events_ends_in_the_same_state(order: tuple[str, ...], paid_first: bool):
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    world.sync(world.sale(merchant, CAPTURED, payment_id="pay-1"))
    if paid_first:
        commissions_auto_approve(uow=world.uow, clock=world.clock)
        world.pay_out(world.request_payout("100.00").id)
    for name in order:
        if name in {"refunded-1", "replay-refunded-1"}:
            refunded(world, merchant, "pay-1", "re-1", 30_000, 30_000)
        elif name == "refunded-2":
            refunded(world, merchant, "pay-1", "re-2", 20_000, 50_000)
        else:
            failed(world, merchant, "pay-1", "re-1", 30_000, total_after=20_000)
    commission = commission_of(world, "pay-1")
    assert commission.refunded_sale_minor == 20_000
    assert commission.clawed_back_minor == 2_000
    live_clawbacks = sum(
        c.amount_minor for c in kinds(world, CommissionKind.CLAWBACK) if c.status is not CommissionStatus.REJECTED
    )
    adjustments = sum(c.amount_minor for c in kinds(world, CommissionKind.ADJUSTMENT))
    if paid_first:
        assert commission.amount_minor == 10_000
        assert live_clawbacks + adjustments == -2_000
        assert world.available() == -2_000
    else:
        assert commission.amount_minor == 8_000
        assert (live_clawbacks, adjustments) == (0, 0)


def test_events_are_read_as_the_contract_publishes_them():
    order = {"id": "o", "kind": "merchant", "seller_id": "m", "buyer_id": "b"}
    payment = {"id": "p", "currency": "INR", "amount_captured": "1000.00", "amount_refunded": "250.00"}
    refund = {"id": "re_1", "amount": "250.00", "status": "pending", "kind": "refund"}
    sale = sale_from_event({"object": payment, "order": order, "refund": refund})
    assert sale is not None
    assert (sale.refund_id, sale.refund_minor, sale.refunded_minor, sale.refund_kind) == (
        "re_1",
        25_000,
        25_000,
        "refund",
    )
    failure = refund_failure_from_event(
        {
            "object": {**refund, "status": "failed", "failure_message": "declined", "reversed": True},
            "payment": {**payment, "amount_refunded": "0.00"},
            "order": order,
        }
    )
    assert failure is not None
    assert failure.reversed
    assert (failure.sale.refund_id, failure.sale.refund_minor, failure.sale.refunded_minor) == ("re_1", 25_000, 0)
    assert refund_failure_from_event({"object": {**refund, "reversed": "yes"}, "payment": payment, "order": order})
    not_reversed = refund_failure_from_event({"object": refund, "payment": payment, "order": order})
    assert not_reversed is not None
    assert not not_reversed.reversed
    assert refund_failure_from_event({"object": {}, "payment": payment, "order": order}) is None


def _commission(status: CommissionStatus, kind: CommissionKind = CommissionKind.COMMISSION) -> Commission:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    amount = -1_000 if kind is CommissionKind.CLAWBACK else 22_000
    return Commission(
        id="c",
        reseller_id="r",
        kind=kind,
        status=status,
        currency="INR",
        payment_id="p",
        sale_minor=100_000 if kind is CommissionKind.COMMISSION else 0,
        original_minor=amount,
        amount_minor=amount,
        created_at=now,
        updated_at=now,
    )


def test_domain_books_each_refund_once_and_gives_back_what_it_took():
    now = datetime(2026, 3, 2, tzinfo=UTC)
    c = _commission(CommissionStatus.APPROVED)
    first = c.count_refund(refund_id="r1", amount_minor=25_000, now=now)
    assert first is not None
    assert first.reduced_minor == 5_500
    assert c.count_refund(refund_id="r1", amount_minor=25_000, now=now) is None
    assert c.refunds["r1"].mode is RefundMode.IN_PLACE
    back = c.fail_refund(refund_id="r1", amount_minor=25_000, now=now)
    assert back is not None
    assert back.restored_minor == 5_500
    assert c.amount_minor == 22_000
    assert c.fail_refund(refund_id="r1", amount_minor=25_000, now=now) is None
    # Paid: a clawback is owed, and its failure names that clawback.
    paid = _commission(CommissionStatus.PAID)
    owed = paid.count_refund(refund_id="r2", amount_minor=50_000, now=now)
    assert owed is not None
    assert owed.owed_minor == 11_000
    paid.link_clawback("r2", "cb-1")
    reversal = paid.fail_refund(refund_id="r2", amount_minor=50_000, now=now)
    assert reversal is not None
    assert (reversal.clawback_id, reversal.amount_minor) == ("cb-1", 11_000)
    assert (paid.refunded_sale_minor, paid.clawed_back_minor, paid.amount_minor) == (0, 0, 22_000)


def test_domain_voids_only_an_open_clawback_and_admins_cannot_reject_one():
    now = datetime(2026, 3, 2, tzinfo=UTC)
    clawback = _commission(CommissionStatus.APPROVED, CommissionKind.CLAWBACK)
    with pytest.raises(InvalidTransition):
        clawback.reject(reason="no", by="admin", now=now)
    clawback.void(reason="Refund r1 failed", now=now)
    assert clawback.status is CommissionStatus.REJECTED
    for status in (CommissionStatus.PAID, CommissionStatus.REJECTED):
        with pytest.raises(InvalidTransition):
            _commission(status, CommissionKind.CLAWBACK).void(reason="x", now=now)
    invoiced = _commission(CommissionStatus.APPROVED, CommissionKind.CLAWBACK)
    invoiced.mark_invoiced("inv-1", now=now)
    with pytest.raises(InvalidTransition):
        invoiced.void(reason="x", now=now)
    with pytest.raises(InvalidTransition):
        _commission(CommissionStatus.APPROVED).void(reason="x", now=now)  # a commission is not voided


@pytest.mark.parametrize("status", [CommissionStatus.APPROVED, CommissionStatus.PAID])
def test_domain_a_replacement_refund_counted_before_the_failure_of_the_one_it_replaces_keeps_the_take(status):
    """Out of order: r1 (all of the sale) counted, its replacement r2 counted (capped: it took nothing), then
    r1's failure. r2 now explains the whole take: nothing is given back, and r2 owns the take from then on."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    c = _commission(status)
    c.count_refund(refund_id="r1", amount_minor=100_000, now=now)
    if status is CommissionStatus.PAID:
        c.link_clawback("r1", "cb-1")
    assert c.count_refund(refund_id="r2", amount_minor=100_000, now=now) is not None
    assert c.refunds["r2"].clawed_minor == 0
    reversal = c.fail_refund(refund_id="r1", amount_minor=100_000, now=now)
    assert reversal is not None
    assert (reversal.restored_minor, reversal.adjustment_minor, reversal.clawback_id) == (0, 0, "")
    assert c.clawed_back_minor == 22_000  # floor(original x net / sale) with r2 counted
    assert c.amount_minor == (0 if status is CommissionStatus.APPROVED else 22_000)
    # r2 failing later gives back the whole take, the way r1 took it.
    later = c.fail_refund(refund_id="r2", amount_minor=100_000, now=now)
    assert later is not None
    if status is CommissionStatus.APPROVED:
        assert later.restored_minor == 22_000
    else:
        assert (later.clawback_id, later.amount_minor) == ("cb-1", 22_000)
    assert c.clawed_back_minor == 0


def test_domain_a_replacement_that_took_part_inherits_the_rest_when_the_replaced_refund_fails():
    """The case the property test found: 100 of 160 refunded (r1), r1 failed but its failure is late, 80
    refunded again (r2, capped while r1 still counts, so it took only part). r1's failure leaves exactly
    floor(original x 80 / 160) taken, all of it owned by r2."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    c = _commission(CommissionStatus.APPROVED)  # sale 100_000, commission 22_000
    c.count_refund(refund_id="r1", amount_minor=62_500, now=now)
    c.count_refund(refund_id="r2", amount_minor=50_000, now=now)
    assert c.refunds["r2"].clawed_minor == 22_000 - 13_750  # capped at the sale
    c.fail_refund(refund_id="r1", amount_minor=62_500, now=now)
    assert c.clawed_back_minor == 22_000 * 50_000 // 100_000
    assert c.refunds["r2"].clawed_minor == c.clawed_back_minor
    assert c.amount_minor == 22_000 - c.clawed_back_minor


@pytest.mark.parametrize("status", [CommissionStatus.APPROVED, CommissionStatus.PAID])
def test_domain_the_take_a_failed_refund_hands_over_is_shared_by_what_each_remaining_refund_explains(status):
    """Found by the property test: r1 (the whole sale) counted, then r2 and r3 counted while r1 still counts
    (capped: they take nothing), then r1 fails and later r3 fails. Handed all to r2, r1's take would stay
    taken when r3 fails (r3 held nothing to give back). Shared by each one's own share, r3's failure gives
    back what r3 explained, and what stays taken is floor(original x r2 / sale)."""
    now = datetime(2026, 3, 2, tzinfo=UTC)
    c = _commission(status)  # sale 100_000, commission 22_000
    c.count_refund(refund_id="r1", amount_minor=100_000, now=now)
    if status is CommissionStatus.PAID:
        c.link_clawback("r1", "cb-1")
    c.count_refund(refund_id="r2", amount_minor=7_500, now=now)
    c.count_refund(refund_id="r3", amount_minor=70_000, now=now)
    assert (c.refunds["r2"].clawed_minor, c.refunds["r3"].clawed_minor) == (0, 0)
    first = c.fail_refund(refund_id="r1", amount_minor=100_000, now=now)
    assert first is not None
    assert c.clawed_back_minor == 22_000 * 77_500 // 100_000  # 17_050: r2 and r3 explain it now
    assert (c.refunds["r2"].clawed_minor, c.refunds["r3"].clawed_minor) == (1_650, 15_400)
    later = c.fail_refund(refund_id="r3", amount_minor=70_000, now=now)
    assert later is not None
    assert later.amount_minor == 15_400
    if status is CommissionStatus.APPROVED:
        assert later.restored_minor == 15_400
    else:
        # r1's clawback was split between two refunds: what one gives back is an adjustment.
        assert (later.adjustment_minor, later.clawback_id) == (15_400, "")
    assert c.clawed_back_minor == 22_000 * 7_500 // 100_000 == 1_650
