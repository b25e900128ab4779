"""The money core on fakes: provider calls in phases, the refund lifecycle, attempts, returns, recovery.

Every gateway here asserts it is called with no transaction of the unit of work open.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from application.payments.deps import PaymentsDeps
from application.payments.orders import CreateOrder, order_cancel, order_create
from application.payments.payments import CardData, CreatePayment, payment_create, payment_settle
from application.payments.ports import GatewayResult, RefundResult
from application.payments.reconciliation import payments_reconcile
from application.payments.refunds import CreateRefund, refund_apply, refund_confirm, refund_create, refunds_recover
from domain.identity.user import Principal, Role
from domain.shared.errors import InvalidValue
from domain.shared.money import Money
from tests.unit.payments.fakes import FakeUow, FixedClock, PlainFingerprinter, ScriptedGateway

SELLER = Principal(user_id="seller-1", role=Role.MERCHANT)
ADMIN = Principal(user_id="admin-1", role=Role.ADMIN)
CARD = CardData(number="4242424242424242", expiry="12/35", cvv="123")
INR = "INR"


class Crash(BaseException):
    """Stands for the process dying: not an application error, nothing catches it."""


def setup(amount: str = "100.00") -> tuple[FakeUow, ScriptedGateway, PaymentsDeps, str]:
    uow = FakeUow()
    gateway = ScriptedGateway(uow=uow)
    deps = PaymentsDeps(
        gateways={"cashfree": gateway, "card": gateway, "bank_transfer": gateway},
        fingerprinter=PlainFingerprinter(),
        clock=FixedClock(),
        publish=uow.publisher,
        notify_url_for={},
    )
    order = order_create(uow=uow, seller_id=SELLER.user_id, command=CreateOrder(amount=amount), clock=deps.clock)
    return uow, gateway, deps, str(order.id)


def paid_by_card(amount: str = "100.00") -> tuple[FakeUow, ScriptedGateway, PaymentsDeps, str, str]:
    uow, gateway, deps, order_id = setup(amount)
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=CARD), deps=deps
    )
    assert payment.status.value == "captured"
    return uow, gateway, deps, order_id, str(payment.id)


def events(deps: PaymentsDeps) -> list[str]:
    return [e.type for e in deps.publish.published]  # type: ignore[attr-defined]


def test_a_pending_refund_is_counted_and_a_later_failure_puts_everything_back():
    uow, gateway, deps, order_id, payment_id = paid_by_card()
    gateway.refund_result = RefundResult(status="pending", reference="cf_re_1")
    refund = refund_create(
        uow=uow, principal=SELLER, command=CreateRefund(payment_id=payment_id, amount="40.00"), deps=deps
    )
    assert (refund.status.value, refund.accepted_at is not None) == ("pending", True)
    payment, order = uow.payments.get(payment_id), uow.orders.get(order_id)
    assert (payment.status.value, payment.amount_refunded.minor, payment.reserved_for_refunds().minor) == (
        "partially_refunded",
        4000,
        0,
    )
    assert (order.status.value, order.amount_refunded.minor) == ("partially_refunded", 4000)
    assert (uow.stats.counters["refunds"], uow.stats.counters["refunded_minor"]) == (1, 4000)

    refund_apply(uow=uow, refund_id=str(refund.id), status="failed", reference="", message="bank bounced", deps=deps)

    payment, order, refund = uow.payments.get(payment_id), uow.orders.get(order_id), uow.refunds.get(str(refund.id))
    assert (refund.status.value, refund.reversed, refund.failure_message) == ("failed", True, "bank bounced")
    assert (payment.status.value, payment.amount_refunded.minor) == ("captured", 0)
    assert (order.status.value, order.amount_refunded.minor) == ("paid", 0)
    assert (uow.stats.counters["refunds"], uow.stats.counters["refunded_minor"]) == (0, 0)
    assert events(deps)[-3:] == ["payment.refund_reversed", "order.refund_reversed", "refund.failed"]
    assert [a.code for a in uow.alerts.rows] == ["refund_failed"]
    # A second word from the provider changes nothing.
    refund_apply(uow=uow, refund_id=str(refund.id), status="succeeded", reference="x", message="", deps=deps)
    assert uow.refunds.get(str(refund.id)).status.value == "failed"


def test_a_refund_intent_reserves_its_amount_so_a_second_cannot_oversubscribe():
    uow, gateway, deps, _, payment_id = paid_by_card()

    def crash_on_refund(request):
        raise Crash()

    gateway.refund = crash_on_refund  # type: ignore[method-assign]
    with pytest.raises(Crash):
        refund_create(uow=uow, principal=SELLER, command=CreateRefund(payment_id=payment_id, amount="70.00"), deps=deps)
    # The first intent is committed and holds 70.00; 40.00 more is refused before any provider call.
    assert uow.payments.get(payment_id).reserved_for_refunds().minor == 7000
    with pytest.raises(InvalidValue) as refused:
        refund_create(uow=uow, principal=SELLER, command=CreateRefund(payment_id=payment_id, amount="40.00"), deps=deps)
    assert refused.value.code == "refund_exceeds_captured"
    assert len(uow.refunds.rows) == 1


def test_recovery_sends_a_stuck_refund_again_with_the_same_id_and_applies_it_once():
    uow, gateway, deps, _, payment_id = paid_by_card()
    calls: list[str] = []

    def crash_after_the_provider_said_yes(request):
        calls.append(request.refund_id)
        raise Crash()  # the provider refunded; we died before phase 3

    gateway.refund = crash_after_the_provider_said_yes  # type: ignore[method-assign]
    with pytest.raises(Crash):
        refund_create(uow=uow, principal=SELLER, command=CreateRefund(payment_id=payment_id, amount="25.00"), deps=deps)
    del gateway.refund  # back to the scripted answer: succeeded

    deps.clock.current += timedelta(minutes=5)  # type: ignore[attr-defined]
    counts = refunds_recover(uow=uow, deps=deps, older_than=timedelta(minutes=1))
    assert counts == {"checked": 1, "applied": 1, "still_requested": 0}
    (refund,) = uow.refunds.rows.values()
    assert [r.refund_id for r in gateway.requests if hasattr(r, "refund_id")] == [str(refund.id)]
    assert calls == [str(refund.id)]  # the same id both times: one refund at the provider
    assert refund.status.value == "succeeded"
    assert uow.payments.get(payment_id).amount_refunded.minor == 2500
    assert refunds_recover(uow=uow, deps=deps, older_than=timedelta(minutes=1))["checked"] == 0


def test_the_same_idempotency_key_resumes_the_same_refund():
    uow, _gateway, deps, _, payment_id = paid_by_card()
    command = CreateRefund(payment_id=payment_id, amount="10.00", intent_key="user:1|/api/v1/refunds|k1")
    first = refund_create(uow=uow, principal=SELLER, command=command, deps=deps)
    again = refund_create(uow=uow, principal=SELLER, command=command, deps=deps)
    assert first.id == again.id
    assert len(uow.refunds.rows) == 1
    assert uow.payments.get(payment_id).amount_refunded.minor == 1000


def test_a_failed_hosted_attempt_keeps_the_payment_open_and_a_later_success_pays():
    uow, gateway, deps, order_id = setup()
    gateway.start_result = GatewayResult(status="pending", reference="pay_1", data={"checkout": {"s": "1"}})
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=deps
    )
    declined = GatewayResult(
        status="attempt_failed",
        failure_code="cashfree_card_declined",
        failure_message="declined",
        data={"provider_payment_id": "cf_pay_1"},
    )
    payment_settle(uow=uow, payment_id=str(payment.id), result=declined, deps=deps)
    payment_settle(uow=uow, payment_id=str(payment.id), result=declined, deps=deps)  # redelivered
    after = uow.payments.get(str(payment.id))
    assert after.status.value == "pending"
    assert [a["provider_payment_id"] for a in after.attempts] == ["cf_pay_1"]
    assert uow.orders.get(order_id).status.value == "created"
    ok = GatewayResult(status="captured", reference="pay_1", amount=Money.parse("100.00", INR))
    payment_settle(uow=uow, payment_id=str(payment.id), result=ok, deps=deps)
    assert uow.payments.get(str(payment.id)).status.value == "captured"
    assert uow.orders.get(order_id).status.value == "paid"
    assert events(deps).count("payment.captured") == 1


def test_success_on_a_cancelled_order_is_returned_and_listed():
    uow, gateway, deps, order_id = setup()
    gateway.start_result = GatewayResult(status="pending", reference="pay_1")
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=deps
    )
    order_cancel(uow=uow, principal=SELLER, order_id=order_id, clock=deps.clock)
    assert ("payments.cancel_at_provider", {"payment_id": str(payment.id)}) in uow.outbox.sent
    ok = GatewayResult(status="captured", reference="pay_1", amount=Money.parse("100.00", INR))
    payment_settle(uow=uow, payment_id=str(payment.id), result=ok, deps=deps)
    after = uow.payments.get(str(payment.id))
    assert (after.status.value, after.failure_code) == ("failed", "order_closed")
    (returned,) = uow.refunds.rows.values()
    assert returned.kind.value == "return"
    assert [a.code for a in uow.alerts.rows] == ["order_closed"]
    assert "payment.unexpected_capture" in events(deps)
    assert uow.orders.get(order_id).status.value == "cancelled"


def _start_answer_lost(command: CreatePayment) -> tuple:
    """The process dies while the provider is asked to start the payment: its intent is committed."""
    uow, gateway, deps, order_id = setup()

    def crash_on_start(request):
        raise Crash()

    gateway.start = crash_on_start  # type: ignore[method-assign]
    with pytest.raises(Crash):
        payment_create(uow=uow, principal=SELLER, command=replace(command, order_id=order_id), deps=deps)
    return uow, gateway, deps, order_id


def test_a_start_whose_answer_was_lost_is_recovered_by_asking_the_provider():
    uow, gateway, deps, _ = _start_answer_lost(CreatePayment(order_id="", method="cashfree"))
    (payment,) = uow.payments.rows.values()
    assert payment.awaits_start_answer()
    assert payment.next_check_at is not None
    del gateway.start
    # The provider has no record of it: the same start is sent again (same payment id, same key).
    gateway.status_result = GatewayResult(status="not_found")
    gateway.start_result = GatewayResult(status="pending", reference=str(payment.id), redirect_url="https://pay/1")
    deps.clock.current += timedelta(minutes=2)  # type: ignore[attr-defined]
    counts = payments_reconcile(uow=uow, deps=deps)
    assert counts["recovered"] == 1
    after = uow.payments.get(str(payment.id))
    assert (after.status.value, after.redirect_url, after.started_at is not None) == ("pending", "https://pay/1", True)
    assert [r.payment_id for r in gateway.requests if hasattr(r, "payment_id") and hasattr(r, "capture")] == [
        str(payment.id)
    ]


def test_a_start_whose_answer_was_lost_holds_off_a_second_payment_of_the_order():
    from application.shared.errors import Conflict

    uow, gateway, deps, order_id = _start_answer_lost(CreatePayment(order_id="", method="card", card=CARD))
    del gateway.start
    with pytest.raises(Conflict) as refused:
        payment_create(
            uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=CARD), deps=deps
        )
    assert refused.value.code == "payment_in_progress"
    assert len(uow.payments.rows) == 1
    assert [r.payment_id for r in gateway.requests] == []


def test_pending_checkouts_back_off_and_end_expired_after_their_window():
    uow, gateway, deps, order_id = setup()
    gateway.start_result = GatewayResult(status="pending", reference="pay_1")
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=deps
    )
    clock = deps.clock
    intervals = []
    for _ in range(4):
        due = uow.payments.get(str(payment.id)).next_check_at
        clock.current = due  # type: ignore[attr-defined]
        payments_reconcile(uow=uow, deps=deps)
        intervals.append(uow.payments.get(str(payment.id)).next_check_at - due)
    assert intervals == sorted(intervals)
    assert intervals[-1] > intervals[0]
    clock.current = clock.current + timedelta(hours=2)  # type: ignore[attr-defined]
    payments_reconcile(uow=uow, deps=deps)
    after = uow.payments.get(str(payment.id))
    assert (after.status.value, after.next_check_at) == ("expired", None)
    assert "payment.expired" in events(deps)


def test_bank_transfer_refunds_wait_for_an_admin_with_the_transfer_reference():
    uow, gateway, deps, order_id = setup()
    gateway.start_result = GatewayResult(status="pending", reference="UTR1")
    payment = payment_create(
        uow=uow,
        principal=SELLER,
        command=CreatePayment(order_id=order_id, method="bank_transfer", bank_reference="UTR1"),
        deps=deps,
    )
    payment_settle(
        uow=uow, payment_id=str(payment.id), result=GatewayResult(status="captured", reference="UTR1"), deps=deps
    )
    gateway.refund_result = RefundResult(status="pending")
    refund = refund_create(uow=uow, principal=SELLER, command=CreateRefund(payment_id=str(payment.id)), deps=deps)
    assert refund.status.value == "pending"
    confirmed = refund_confirm(uow=uow, principal=ADMIN, refund_id=str(refund.id), reference="UTR-BACK-9", deps=deps)
    assert (confirmed.status.value, confirmed.gateway_reference) == ("succeeded", "UTR-BACK-9")
    assert events(deps)[-1] == "refund.succeeded"


def _race(uow: FakeUow, change) -> None:  # type: ignore[no-untyped-def]
    """Once, between phase 1's unlocked read of the order and its one-statement insert, ``change`` commits."""
    payments = uow._unit.payments
    insert = payments.add_if_order_unchanged

    def changed_first(payment, order):  # type: ignore[no-untyped-def]
        payments.add_if_order_unchanged = insert
        change()
        return insert(payment, order)

    payments.add_if_order_unchanged = changed_first


def test_an_order_cancelled_between_the_read_and_the_insert_is_refused_under_the_lock():
    from application.shared.errors import Conflict

    uow, gateway, deps, order_id = setup()
    _race(uow, lambda: order_cancel(uow=uow, principal=SELLER, order_id=order_id, clock=deps.clock))
    with pytest.raises(Conflict) as refused:
        payment_create(
            uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=CARD), deps=deps
        )
    assert refused.value.code == "order_not_payable"
    assert (uow.payments.rows, gateway.requests) == ({}, [])  # nothing recorded, the provider never asked


def test_a_start_recorded_between_the_read_and_the_insert_is_refused_under_the_lock():
    from application.shared.errors import Conflict

    uow, gateway, deps, order_id = setup()

    def another_payer_starts() -> None:
        # Another payer's phase 1 commits; its process dies waiting for the provider's answer.
        with pytest.raises(Crash):
            payment_create(
                uow=uow,
                principal=SELLER,
                command=CreatePayment(order_id=order_id, method="cashfree"),
                deps=replace(deps, gateways={"cashfree": _NoAnswer()}),
            )

    _race(uow, another_payer_starts)
    with pytest.raises(Conflict) as refused:
        payment_create(
            uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=CARD), deps=deps
        )
    assert refused.value.code == "payment_in_progress"
    assert len(uow.payments.rows) == 1
    assert gateway.requests == []


class _NoAnswer:
    """A provider whose answer never comes back (the caller's process dies waiting)."""

    def start(self, request):  # type: ignore[no-untyped-def]
        raise Crash


def test_with_nothing_in_the_way_phase_1_takes_no_lock():
    uow, _, deps, order_id = setup()
    committed = uow._unit.committed
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=CARD), deps=deps
    )
    assert payment.status.value == "captured"
    assert uow._unit.committed == committed + 1  # phase 3's transaction only: the intent was one statement
