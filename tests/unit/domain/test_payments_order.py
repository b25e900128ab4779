"""Order state machine: every legal move, every illegal one, and refund accounting."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domain.payments.order import Order, OrderStatus
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
AMOUNT = Money.parse("1000.00", "INR")
S = OrderStatus


def order_in(status: OrderStatus) -> Order:
    refunded = {S.PARTIALLY_REFUNDED: Money.parse("100.00", "INR"), S.REFUNDED: AMOUNT}.get(status, Money.zero("INR"))
    return Order(
        id=uuid.uuid4(),
        seller_id="seller-1",
        buyer_id="buyer-1",
        amount=AMOUNT,
        amount_refunded=refunded,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


Action = Callable[[Order], None]
ACTIONS: dict[str, Action] = {
    "mark_paid": lambda o: o.mark_paid(LATER),
    "mark_failed": lambda o: o.mark_failed(LATER),
    "cancel": lambda o: o.cancel(LATER),
    "expire": lambda o: o.expire(LATER),
    "start_processing": lambda o: o.start_processing(LATER),
    "complete": lambda o: o.complete(LATER),
    "refund_partial": lambda o: o.record_refund(Money.parse("1.00", "INR"), LATER),
    "refund_full": lambda o: o.record_refund(o.amount - o.amount_refunded, LATER),
}

# Written out by hand, independently of ORDER_TRANSITIONS, so a wrong table entry fails a test.
LEGAL: dict[tuple[OrderStatus, str], OrderStatus] = {
    (S.CREATED, "mark_paid"): S.PAID,
    (S.CREATED, "mark_failed"): S.FAILED,
    (S.CREATED, "cancel"): S.CANCELLED,
    (S.CREATED, "expire"): S.EXPIRED,
    (S.FAILED, "mark_paid"): S.PAID,
    (S.FAILED, "cancel"): S.CANCELLED,
    (S.FAILED, "expire"): S.EXPIRED,
    (S.PAID, "start_processing"): S.PROCESSING,
    (S.PAID, "refund_partial"): S.PARTIALLY_REFUNDED,
    (S.PAID, "refund_full"): S.REFUNDED,
    (S.PARTIALLY_REFUNDED, "refund_partial"): S.PARTIALLY_REFUNDED,
    (S.PARTIALLY_REFUNDED, "refund_full"): S.REFUNDED,
    # A repair being done keeps its status on a partial refund; a full refund calls it off.
    (S.PROCESSING, "refund_partial"): S.PROCESSING,
    (S.PROCESSING, "refund_full"): S.CANCELLED,
    (S.COMPLETED, "refund_partial"): S.COMPLETED,
    (S.COMPLETED, "refund_full"): S.REFUNDED,
    (S.PROCESSING, "complete"): S.COMPLETED,
}
MATRIX = [(status, action) for status in OrderStatus for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), [k for k in MATRIX if k in LEGAL])
def test_legal_move(status: OrderStatus, action: str) -> None:
    order = order_in(status)
    ACTIONS[action](order)
    target = LEGAL[(status, action)]
    assert order.status is target
    assert order.updated_at == LATER
    # A partial refund of an order being fulfilled keeps its status and says what happened.
    event = "partially_refunded" if action == "refund_partial" else target.value
    assert [e.type for e in order.events] == [f"order.{event}"]
    assert order.events[0].aggregate_id == str(order.id)


@pytest.mark.parametrize(("status", "action"), [k for k in MATRIX if k not in LEGAL])
def test_illegal_move_is_refused_and_changes_nothing(status: OrderStatus, action: str) -> None:
    order = order_in(status)
    refunded_before = order.amount_refunded
    with pytest.raises(InvalidTransition) as caught:
        ACTIONS[action](order)
    expected = {"mark_paid": "order_not_payable", "refund_partial": "order_not_refundable"}.get(
        action, "order_not_refundable" if action == "refund_full" else "invalid_state_transition"
    )
    assert caught.value.code == expected
    assert caught.value.kind == "conflict"
    assert (order.status, order.amount_refunded, order.updated_at, order.events) == (status, refunded_before, NOW, [])


@pytest.mark.parametrize("status", list(OrderStatus))
def test_is_payable_only_when_created_or_failed(status: OrderStatus) -> None:
    assert order_in(status).is_payable() is (status in {S.CREATED, S.FAILED})


def test_create_starts_created_with_zero_refunded_and_an_event() -> None:
    order = Order.create(seller_id="s", amount=AMOUNT, now=NOW, reference="INV-1", metadata={"k": "v"})
    assert order.status is S.CREATED
    assert order.amount_refunded == Money.zero("INR")
    assert order.is_payable()
    assert order.created_at == order.updated_at == NOW
    assert [e.type for e in order.pull_events()] == ["order.created"]
    assert order.events == []


def test_failed_order_can_be_paid_by_a_later_payment() -> None:
    order = Order.create(seller_id="s", amount=AMOUNT, now=NOW)
    order.mark_failed(NOW)
    order.mark_paid(LATER)
    assert order.status is S.PAID
    assert [e.type for e in order.events] == ["order.created", "order.failed", "order.paid"]


def test_full_lifecycle_to_completed() -> None:
    order = Order.create(seller_id="s", amount=AMOUNT, now=NOW)
    order.mark_paid(NOW)
    order.start_processing(NOW)
    order.complete(LATER)
    assert order.status is S.COMPLETED


def test_several_partial_refunds_up_to_amount_then_one_more_is_refused() -> None:
    order = order_in(S.PAID)
    for part in ("250.00", "250.00", "499.99"):
        order.record_refund(Money.parse(part, "INR"), LATER)
        assert order.status is S.PARTIALLY_REFUNDED
    with pytest.raises(InvalidValue) as caught:
        order.record_refund(Money.parse("0.02", "INR"), LATER)
    assert (caught.value.code, caught.value.kind, caught.value.field) == (
        "refund_exceeds_captured",
        "invalid",
        "amount",
    )
    order.record_refund(Money.parse("0.01", "INR"), LATER)
    assert order.status is S.REFUNDED
    assert order.amount_refunded == AMOUNT
    assert order.refundable_amount() == Money.zero("INR")
    with pytest.raises(InvalidTransition):
        order.record_refund(Money.parse("0.01", "INR"), LATER)


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Money.zero("INR"), "invalid_amount"),
        (Money(-100, "INR"), "invalid_amount"),
        (Money.parse("1.00", "USD"), "currency_mismatch"),
        (Money.parse("1000.01", "INR"), "refund_exceeds_captured"),
    ],
)
def test_bad_refund_amounts_are_refused(amount: Money, code: str) -> None:
    order = order_in(S.PAID)
    with pytest.raises(InvalidValue) as caught:
        order.record_refund(amount, LATER)
    assert caught.value.code == code
    assert order.status is S.PAID
    assert order.amount_refunded == Money.zero("INR")


@pytest.mark.parametrize(
    ("amount", "refunded", "code"),
    [
        (Money.zero("INR"), Money.zero("INR"), "invalid_amount"),
        (Money(-1, "INR"), Money.zero("INR"), "invalid_amount"),
        (AMOUNT, Money.zero("USD"), "currency_mismatch"),
        (AMOUNT, AMOUNT + Money(1, "INR"), "refund_exceeds_captured"),
        (AMOUNT, Money(-1, "INR"), "refund_exceeds_captured"),
    ],
)
def test_construction_enforces_money_invariants(amount: Money, refunded: Money, code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Order(
            id=uuid.uuid4(),
            seller_id="s",
            buyer_id=None,
            amount=amount,
            amount_refunded=refunded,
            created_at=NOW,
            updated_at=NOW,
        )
    assert caught.value.code == code


def test_event_data_is_json_ready_with_decimal_strings() -> None:
    order = order_in(S.PAID)
    order.record_refund(Money.parse("10.50", "INR"), LATER)
    (event,) = order.events
    assert event.type == "order.partially_refunded"
    # What happened (the refund's amount as a decimal string), not a copy of the order: publishing adds that.
    assert event.data == {"order_id": str(order.id), "status": "partially_refunded", "refund_amount": "10.50"}
    json.dumps(event.data)


def test_is_past_expiry() -> None:
    order = Order.create(seller_id="s", amount=AMOUNT, now=NOW, expires_at=LATER)
    assert not order.is_past_expiry(NOW)
    assert order.is_past_expiry(LATER)
    assert not Order.create(seller_id="s", amount=AMOUNT, now=NOW).is_past_expiry(LATER)
