"""Property: however partial refunds are sequenced, refunded never exceeds what was captured."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.payments.order import Order, OrderStatus
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@given(
    captured=st.integers(min_value=1, max_value=10**9),
    refunds=st.lists(st.integers(min_value=-5, max_value=10**9), max_size=30),
)
def test_payment_refunds_never_exceed_captured(captured: int, refunds: list[int]) -> None:
    payment = Payment.create(
        order_id=uuid.uuid4(), seller_id="s", method=PaymentMethod.CARD, amount=Money(captured, "INR"), now=NOW
    )
    payment.capture(NOW)
    accepted = 0
    for minor in refunds:
        fits = 0 < minor <= captured - accepted and payment.status is not PaymentStatus.REFUNDED
        try:
            payment.refund(Money(minor, "INR"), NOW)
        except (InvalidValue, InvalidTransition):
            assert not fits
        else:
            assert fits
            accepted += minor
        assert payment.amount_refunded.minor == accepted <= payment.amount_captured.minor
        expected = (
            PaymentStatus.CAPTURED
            if accepted == 0
            else PaymentStatus.REFUNDED
            if accepted == captured
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        assert payment.status is expected


@given(
    amount=st.integers(min_value=1, max_value=10**9),
    refunds=st.lists(st.integers(min_value=-5, max_value=10**9), max_size=30),
)
def test_order_refunds_never_exceed_amount(amount: int, refunds: list[int]) -> None:
    order = Order.create(seller_id="s", amount=Money(amount, "BDT"), now=NOW)
    order.mark_paid(NOW)
    accepted = 0
    for minor in refunds:
        try:
            order.record_refund(Money(minor, "BDT"), NOW)
        except (InvalidValue, InvalidTransition):
            pass
        else:
            accepted += minor
        assert order.amount_refunded.minor == accepted <= amount
        assert (order.status is OrderStatus.REFUNDED) == (accepted == amount)
