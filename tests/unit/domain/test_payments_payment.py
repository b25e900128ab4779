"""Payment state machine, refund accounting and event payloads."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domain.payments.card import CardDetails
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
AMOUNT = Money.parse("100.00", "INR")
ZERO = Money.zero("INR")
P = PaymentStatus
PAN = "4242424242424242"


def payment_in(status: PaymentStatus) -> Payment:
    captured = AMOUNT if status in {P.CAPTURED, P.PARTIALLY_REFUNDED, P.REFUNDED} else ZERO
    refunded = {P.PARTIALLY_REFUNDED: Money.parse("10.00", "INR"), P.REFUNDED: AMOUNT}.get(status, ZERO)
    return Payment(
        id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        seller_id="seller-1",
        method=PaymentMethod.CARD,
        amount=AMOUNT,
        amount_captured=captured,
        amount_refunded=refunded,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


Action = Callable[[Payment], None]
ACTIONS: dict[str, Action] = {
    "authorize": lambda p: p.authorize(LATER),
    "capture": lambda p: p.capture(LATER),
    "fail": lambda p: p.fail("card_declined", "Declined", LATER),
    "cancel": lambda p: p.cancel(LATER),
    "refund_partial": lambda p: p.refund(Money.parse("1.00", "INR"), LATER),
    "refund_full": lambda p: p.refund(p.amount_captured - p.amount_refunded, LATER),
}
EVENT_FOR = {
    "authorize": "payment.authorized",
    "capture": "payment.captured",
    "fail": "payment.failed",
    "cancel": "payment.cancelled",
    "refund_partial": "payment.refunded",
    "refund_full": "payment.refunded",
}
# Hand-written, independent of PAYMENT_TRANSITIONS.
LEGAL: dict[tuple[PaymentStatus, str], PaymentStatus] = {
    (P.PENDING, "authorize"): P.AUTHORIZED,
    (P.PENDING, "capture"): P.CAPTURED,
    (P.PENDING, "fail"): P.FAILED,
    (P.PENDING, "cancel"): P.CANCELLED,
    (P.AUTHORIZED, "capture"): P.CAPTURED,
    (P.AUTHORIZED, "fail"): P.FAILED,
    (P.AUTHORIZED, "cancel"): P.CANCELLED,
    (P.CAPTURED, "refund_partial"): P.PARTIALLY_REFUNDED,
    (P.CAPTURED, "refund_full"): P.REFUNDED,
    (P.PARTIALLY_REFUNDED, "refund_partial"): P.PARTIALLY_REFUNDED,
    (P.PARTIALLY_REFUNDED, "refund_full"): P.REFUNDED,
}
MATRIX = [(status, action) for status in PaymentStatus for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), [k for k in MATRIX if k in LEGAL])
def test_legal_move(status: PaymentStatus, action: str) -> None:
    payment = payment_in(status)
    ACTIONS[action](payment)
    assert payment.status is LEGAL[(status, action)]
    assert payment.updated_at == LATER
    assert [e.type for e in payment.events] == [EVENT_FOR[action]]


@pytest.mark.parametrize(("status", "action"), [k for k in MATRIX if k not in LEGAL])
def test_illegal_move_is_refused_and_changes_nothing(status: PaymentStatus, action: str) -> None:
    payment = payment_in(status)
    before = (payment.amount_captured, payment.amount_refunded, payment.failure_code)
    with pytest.raises(InvalidTransition) as caught:
        ACTIONS[action](payment)
    expected = "payment_not_refundable" if action.startswith("refund") else "invalid_state_transition"
    assert caught.value.code == expected
    assert caught.value.kind == "conflict"
    assert payment.status is status
    assert (payment.amount_captured, payment.amount_refunded, payment.failure_code) == before
    assert payment.events == []
    assert payment.updated_at == NOW


def test_create_starts_pending_with_zero_amounts() -> None:
    payment = Payment.create(
        order_id=uuid.uuid4(), seller_id="s", method=PaymentMethod.CASHFREE, amount=AMOUNT, now=NOW
    )
    assert payment.status is P.PENDING
    assert payment.amount_captured == payment.amount_refunded == ZERO
    assert payment.events == []


def test_authorize_then_capture_captures_full_amount() -> None:
    payment = payment_in(P.PENDING)
    payment.authorize(NOW)
    payment.capture(LATER)
    assert payment.amount_captured == AMOUNT
    assert payment.refundable_amount() == AMOUNT


@pytest.mark.parametrize("amount", [ZERO, Money.parse("100.01", "INR")])
def test_capture_amount_must_be_positive_and_within_amount(amount: Money) -> None:
    payment = payment_in(P.AUTHORIZED)
    with pytest.raises(InvalidValue):
        payment.capture(LATER, amount)
    assert payment.status is P.AUTHORIZED


def test_capture_in_other_currency_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        payment_in(P.AUTHORIZED).capture(LATER, Money.parse("100.00", "USD"))
    assert caught.value.code == "currency_mismatch"


def test_partial_capture_bounds_refunds() -> None:
    payment = payment_in(P.AUTHORIZED)
    payment.capture(LATER, Money.parse("60.00", "INR"))
    with pytest.raises(InvalidValue) as caught:
        payment.refund(Money.parse("60.01", "INR"), LATER)
    assert caught.value.code == "refund_exceeds_captured"
    payment.refund(Money.parse("60.00", "INR"), LATER)
    assert payment.status is P.REFUNDED


def test_fail_records_reason() -> None:
    payment = payment_in(P.PENDING)
    payment.fail("insufficient_funds", "Insufficient funds", LATER)
    assert (payment.failure_code, payment.failure_message) == ("insufficient_funds", "Insufficient funds")
    assert payment.events[0].data["failure_code"] == "insufficient_funds"


def test_several_partial_refunds_up_to_captured_then_one_more_is_refused() -> None:
    payment = payment_in(P.CAPTURED)
    for part, remaining in (("30.00", "70.00"), ("30.00", "40.00"), ("39.99", "0.01")):
        payment.refund(Money.parse(part, "INR"), LATER)
        assert payment.status is P.PARTIALLY_REFUNDED
        assert payment.refundable_amount() == Money.parse(remaining, "INR")
    with pytest.raises(InvalidValue) as caught:
        payment.refund(Money.parse("0.02", "INR"), LATER)
    assert (caught.value.code, caught.value.kind, caught.value.field) == (
        "refund_exceeds_captured",
        "invalid",
        "amount",
    )
    payment.refund(Money.parse("0.01", "INR"), LATER)
    assert payment.status is P.REFUNDED
    assert payment.amount_refunded == payment.amount_captured
    with pytest.raises(InvalidTransition) as not_refundable:
        payment.refund(Money.parse("0.01", "INR"), LATER)
    assert not_refundable.value.code == "payment_not_refundable"
    assert [e.data["refund_amount"] for e in payment.events] == ["30.00", "30.00", "39.99", "0.01"]


@pytest.mark.parametrize(
    ("amount", "code"),
    [(ZERO, "invalid_amount"), (Money(-1, "INR"), "invalid_amount"), (Money.parse("1.00", "BDT"), "currency_mismatch")],
)
def test_bad_refund_amounts_are_refused(amount: Money, code: str) -> None:
    payment = payment_in(P.CAPTURED)
    with pytest.raises(InvalidValue) as caught:
        payment.refund(amount, LATER)
    assert caught.value.code == code
    assert payment.amount_refunded == ZERO
    assert payment.status is P.CAPTURED


@pytest.mark.parametrize(
    ("amount", "captured", "refunded", "code"),
    [
        (ZERO, ZERO, ZERO, "invalid_amount"),
        (AMOUNT, Money.zero("USD"), ZERO, "currency_mismatch"),
        (AMOUNT, ZERO, Money.zero("USD"), "currency_mismatch"),
        (AMOUNT, AMOUNT + Money(1, "INR"), ZERO, "refund_exceeds_captured"),
        (AMOUNT, Money(50, "INR"), Money(51, "INR"), "refund_exceeds_captured"),
        (AMOUNT, ZERO, Money(-1, "INR"), "refund_exceeds_captured"),
    ],
)
def test_construction_enforces_money_invariants(amount: Money, captured: Money, refunded: Money, code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Payment(
            id=uuid.uuid4(),
            order_id=uuid.uuid4(),
            seller_id="s",
            method=PaymentMethod.CARD,
            amount=amount,
            amount_captured=captured,
            amount_refunded=refunded,
            created_at=NOW,
            updated_at=NOW,
        )
    assert caught.value.code == code


def test_card_details_only_on_card_payments() -> None:
    card = CardDetails.from_number(PAN, 12, 2030, "fp")
    with pytest.raises(InvalidValue):
        Payment.create(
            order_id=uuid.uuid4(), seller_id="s", method=PaymentMethod.CASHFREE, amount=AMOUNT, now=NOW, card=card
        )


def test_events_are_json_ready_and_never_carry_the_pan() -> None:
    card = CardDetails.from_number(PAN, 12, 2030, "fp-abc")
    payment = Payment.create(
        order_id=uuid.uuid4(), seller_id="s", method=PaymentMethod.CARD, amount=AMOUNT, now=NOW, card=card
    )
    payment.authorize(NOW)
    payment.capture(NOW)
    payment.refund(Money.parse("12.34", "INR"), LATER)
    assert [e.type for e in payment.events] == ["payment.authorized", "payment.captured", "payment.refunded"]
    # What happened, not a copy of the payment: publishing adds the payment as the change commits it.
    assert payment.events[1].data == {"payment_id": str(payment.id), "status": "captured"}
    assert payment.events[2].data == {
        "payment_id": str(payment.id),
        "status": "partially_refunded",
        "refund_amount": "12.34",
    }
    for event in payment.pull_events():
        assert PAN not in json.dumps(event.data)
        assert event.aggregate_id == str(payment.id)
    assert payment.events == []


def test_gateway_session_is_attached_only_while_pending() -> None:
    payment = payment_in(P.PENDING)
    payment.attach_gateway_session(reference="cf_123", redirect_url="https://pay/x", data={"s": 1}, now=LATER)
    assert (payment.gateway_reference, payment.redirect_url, payment.gateway_data) == (
        "cf_123",
        "https://pay/x",
        {"s": 1},
    )
    payment.capture(LATER)
    with pytest.raises(InvalidTransition):
        payment.attach_gateway_session(reference="other", now=LATER)
