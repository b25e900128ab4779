"""Payment use cases on fakes: settlement rules, refunds, ownership (no database)."""

from __future__ import annotations

import pytest

from application.payments.deps import PaymentsDeps
from application.payments.orders import CreateOrder, order_create
from application.payments.payments import CardData, CreatePayment, payment_create, payment_settle
from application.payments.ports import GatewayResult, RefundResult
from application.payments.refunds import CreateRefund, refund_create
from application.shared.errors import Conflict, NotFound
from domain.identity.user import Principal, Role
from domain.shared.errors import InvalidValue
from domain.shared.money import Money
from tests.unit.payments.fakes import FakeUow, FixedClock, PlainFingerprinter, RecordingPublisher, ScriptedGateway

SELLER = Principal(user_id="seller-1", role=Role.MERCHANT)
STRANGER = Principal(user_id="seller-2", role=Role.MERCHANT)


def _deps(gateway: ScriptedGateway) -> PaymentsDeps:
    return PaymentsDeps(
        gateways={"cashfree": gateway, "card": gateway},
        fingerprinter=PlainFingerprinter(),
        clock=FixedClock(),
        publish=RecordingPublisher(),
        notify_url_for={},
    )


def _order(uow: FakeUow, deps: PaymentsDeps, amount: str = "100.00") -> str:
    order = order_create(uow=uow, seller_id=SELLER.user_id, command=CreateOrder(amount=amount), clock=deps.clock)
    return str(order.id)


def _pending_cashfree(uow: FakeUow, deps: PaymentsDeps, gateway: ScriptedGateway) -> tuple[str, str]:
    gateway.start_result = GatewayResult(
        status="pending", reference="cf_1", data={"checkout": {"payment_session_id": "s"}}
    )
    order_id = _order(uow, deps)
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=deps
    )
    return order_id, str(payment.id)


def test_gateway_session_data_is_kept_on_a_pending_payment():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    _, payment_id = _pending_cashfree(uow, deps, gateway)
    payment = uow.payments.get(payment_id)
    assert payment.status.value == "pending"
    assert payment.gateway_data["checkout"]["payment_session_id"] == "s"


def test_settle_success_pays_the_order_once_and_replays_change_nothing():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id, payment_id = _pending_cashfree(uow, deps, gateway)
    success = GatewayResult(status="captured", reference="cf_1", amount=Money.parse("100.00", "INR"))
    payment_settle(uow=uow, payment_id=payment_id, result=success, deps=deps)
    payment_settle(uow=uow, payment_id=payment_id, result=success, deps=deps)
    assert uow.orders.get(order_id).status.value == "paid"
    assert uow.stats.counters["successful_payments"] == 1
    captured = [e for e in uow.publisher.published if e.type == "payment.captured"]
    assert len(captured) == 1


def test_settle_with_a_different_amount_fails_the_payment_and_returns_the_money():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id, payment_id = _pending_cashfree(uow, deps, gateway)
    wrong = GatewayResult(status="captured", reference="cf_1", amount=Money.parse("1.00", "INR"))
    payment = payment_settle(uow=uow, payment_id=payment_id, result=wrong, deps=deps)
    assert payment.status.value == "failed"
    assert payment.failure_code == "amount_mismatch"
    assert uow.orders.get(order_id).status.value != "paid"
    (returned,) = uow.refunds.rows.values()
    assert (returned.kind.value, returned.amount, returned.is_requested) == ("return", Money.parse("1.00", "INR"), True)
    assert [a.code for a in uow.alerts.rows] == ["amount_mismatch"]
    assert uow.outbox.sent[-1] == ("payments.return.submit", {"refund_id": str(returned.id)})


def test_settle_with_a_different_currency_fails_the_payment():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    _, payment_id = _pending_cashfree(uow, deps, gateway)
    wrong = GatewayResult(status="captured", reference="cf_1", amount=Money.parse("100.00", "USD"))
    assert payment_settle(uow=uow, payment_id=payment_id, result=wrong, deps=deps).failure_code == "currency_mismatch"


def test_second_success_for_a_paid_order_is_a_duplicate_payment():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    gateway.start_result = GatewayResult(status="pending", reference="cf")
    order_id = _order(uow, deps)
    first = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=deps
    )
    second = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=deps
    )
    ok = GatewayResult(status="captured", amount=Money.parse("100.00", "INR"))
    payment_settle(uow=uow, payment_id=str(first.id), result=ok, deps=deps)
    duplicate = payment_settle(uow=uow, payment_id=str(second.id), result=ok, deps=deps)
    assert duplicate.failure_code == "duplicate_payment"
    assert uow.payments.get(str(first.id)).status.value == "captured"
    assert [r.kind.value for r in uow.refunds.rows.values()] == ["return"]
    # A redelivered success for the same duplicate returns nothing twice.
    payment_settle(uow=uow, payment_id=str(second.id), result=ok, deps=deps)
    assert len(uow.refunds.rows) == 1
    assert len(uow.alerts.rows) == 1


def test_a_pending_answer_changes_nothing():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    _, payment_id = _pending_cashfree(uow, deps, gateway)
    assert (
        payment_settle(uow=uow, payment_id=payment_id, result=GatewayResult(status="pending"), deps=deps).status.value
        == "pending"
    )


def test_paying_another_sellers_order_is_not_found():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id = _order(uow, deps)
    card = CardData(number="4242424242424242", expiry="12/35", cvv="123")
    with pytest.raises(NotFound):
        payment_create(
            uow=uow, principal=STRANGER, command=CreatePayment(order_id=order_id, method="card", card=card), deps=deps
        )


def test_card_number_reaches_the_gateway_but_not_the_payment():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id = _order(uow, deps)
    card = CardData(number="4242 4242 4242 4242", expiry="12/35", cvv="123")
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=card), deps=deps
    )
    assert gateway.requests[0].card.number == "4242424242424242"
    assert "4242424242424242" not in repr(gateway.requests[0])
    assert "4242424242424242" not in repr(uow.payments.get(str(payment.id)))


def test_refund_refused_by_the_gateway_changes_nothing():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id = _order(uow, deps)
    card = CardData(number="4242424242424242", expiry="12/35", cvv="123")
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=card), deps=deps
    )
    gateway.refund_result = RefundResult(status="failed", failure_message="bank says no")
    with pytest.raises(Conflict):
        refund_create(
            uow=uow, principal=SELLER, command=CreateRefund(payment_id=str(payment.id), amount="10.00"), deps=deps
        )
    after = uow.payments.get(str(payment.id))
    assert (after.amount_refunded.minor, after.reserved_for_refunds().minor) == (0, 0)
    (refund,) = uow.refunds.rows.values()  # the intent is kept, failed, with the reason
    assert (refund.status.value, refund.failure_message, refund.reversed) == ("failed", "bank says no", False)


def test_refund_beyond_what_is_left_is_refused():
    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id = _order(uow, deps, amount="10.00")
    card = CardData(number="4242424242424242", expiry="12/35", cvv="123")
    payment = payment_create(
        uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="card", card=card), deps=deps
    )
    refund_create(uow=uow, principal=SELLER, command=CreateRefund(payment_id=str(payment.id), amount="6.00"), deps=deps)
    with pytest.raises(InvalidValue) as refused:
        refund_create(
            uow=uow, principal=SELLER, command=CreateRefund(payment_id=str(payment.id), amount="4.01"), deps=deps
        )
    assert refused.value.code == "refund_exceeds_captured"


def test_an_order_above_the_maximum_amount_is_refused_and_nothing_is_written():
    from dataclasses import replace

    from domain.payments.limits import AmountLimits, AmountTooLarge

    uow, gateway = FakeUow(), ScriptedGateway()
    deps = replace(_deps(gateway), limits=AmountLimits(default="500.00"))
    with pytest.raises(AmountTooLarge):
        order_create(
            uow=uow,
            seller_id=SELLER.user_id,
            command=CreateOrder(amount="500.01"),
            clock=deps.clock,
            limits=deps.limits,
        )
    assert not uow.orders.rows


def test_paying_an_order_above_the_maximum_is_refused_before_the_gateway():
    from dataclasses import replace

    from domain.payments.limits import AmountLimits, AmountTooLarge

    uow, gateway = FakeUow(), ScriptedGateway()
    deps = _deps(gateway)
    order_id = _order(uow, deps, amount="900.00")  # created before the limit was lowered
    lowered = replace(deps, limits=AmountLimits(default="500.00"))
    with pytest.raises(AmountTooLarge):
        payment_create(
            uow=uow, principal=SELLER, command=CreatePayment(order_id=order_id, method="cashfree"), deps=lowered
        )
    assert gateway.requests == []
    assert not uow.payments.rows
