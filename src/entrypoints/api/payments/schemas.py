"""Schemas of the merchant payment API (orders, payments, refunds, alerts, stats) and their mappers."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator

from application.payments.representations import order_view, payment_view, refund_view
from application.payments.stats import StatsSummary
from domain.payments.alert import Alert
from domain.payments.order import Order, OrderStatus
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.payments.refund import Refund
from domain.shared.money import Money
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema, ResponseSchema, encoded_datetime

AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,6})?$"
Amount = Field(pattern=AMOUNT_PATTERN, description='Decimal string in major units, e.g. "100.50"', examples=["100.50"])
Currency = Field(default="INR", pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code", examples=["INR"])


class OrderCreateIn(InputSchema):
    amount: str = Amount
    currency: str = Currency
    description: str = Field(default="", max_length=500)
    reference: str = Field(default="", max_length=128, description="Your own id for this order")
    metadata: dict[str, str] = Field(default_factory=dict, description="Up to 50 keys; keys ≤ 40, values ≤ 500 chars")
    expires_at: datetime | None = Field(
        default=None,
        description="Unpaid at this time (with no payment still open), the order becomes expired; within 90 days",
    )

    @field_validator("metadata")
    @classmethod
    def _metadata_limits(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 50:
            raise ValueError("at most 50 metadata keys")
        for key, item in value.items():
            if len(key) > 40 or len(item) > 500:
                raise ValueError("metadata keys are at most 40 characters and values at most 500")
            if "\x00" in key or "\x00" in item:
                # PostgreSQL's jsonb cannot hold it: refused here, naming the field, on every database.
                raise ValueError("metadata may not contain NUL characters")
        return value


class OrderOut(ResponseSchema):
    id: str
    kind: str
    seller_id: str
    buyer_id: str | None
    amount: str
    amount_refunded: str
    currency: str
    status: str
    description: str
    reference: str
    metadata: dict[str, Any]
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class OrderQuery(PageQuery):
    status: OrderStatus | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class CardIn(InputSchema):
    number: str = Field(min_length=1, max_length=23, description="Never stored or logged")
    expiry: str = Field(min_length=4, max_length=7, description="MM/YY", examples=["12/30"])
    cvv: str = Field(min_length=3, max_length=4, description="Never stored or logged")
    holder: str = Field(default="", max_length=100)


class BankTransferIn(InputSchema):
    reference: str = Field(min_length=1, max_length=64, description="The payer's UTR / bank reference")


class CustomerIn(InputSchema):
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=32)
    name: str = Field(default="", max_length=100)


class PaymentCreateIn(InputSchema):
    order_id: str = Field(min_length=1, max_length=64)
    method: Literal["card", "bank_transfer", "cashfree", "sslcommerz"]
    card: CardIn | None = None
    bank_transfer: BankTransferIn | None = None
    capture: bool = True
    customer: CustomerIn | None = None
    return_url: str = Field(default="", max_length=2000, description="Where a hosted checkout sends the buyer back")


class CardOut(ResponseSchema):
    brand: str
    last4: str
    exp_month: int
    exp_year: int


class PaymentAttemptOut(ResponseSchema):
    failure_code: str
    failure_message: str
    provider_payment_id: str = Field(description="The provider's id of this try (Cashfree cf_payment_id), if any")
    at: datetime


class PaymentOut(ResponseSchema):
    id: str
    order_id: str
    amount: str
    amount_captured: str
    amount_refunded: str
    currency: str
    method: str
    status: str
    card: CardOut | None
    amount_refund_pending: str = Field(description="Held by refunds the provider has not answered yet")
    attempts: list[PaymentAttemptOut] = Field(description="Failed tries on a hosted checkout that can still be paid")
    next_check_at: datetime | None = Field(description="When reconciliation next asks the provider (unsettled only)")
    gateway_reference: str | None
    redirect_url: str | None
    checkout: dict[str, Any] | None = Field(description="Hosted checkout data (e.g. Cashfree payment_session_id)")
    failure_code: str | None
    failure_message: str | None
    livemode: bool = Field(
        description="false when a sandbox took the payment (test card processor, simulator, provider test "
        "environment): no real money moved"
    )
    created_at: datetime
    updated_at: datetime


class PaymentPage(Schema):
    items: list[PaymentOut]
    next_cursor: str | None


class PaymentQuery(PageQuery):
    status: PaymentStatus | None = None
    method: PaymentMethod | None = None
    order_id: str | None = Field(default=None, max_length=64)
    distributor_id: str | None = Field(default=None, max_length=64)
    created_after: datetime | None = None
    created_before: datetime | None = None


class RefundCreateIn(InputSchema):
    payment_id: str = Field(min_length=1, max_length=64)
    amount: str | None = Field(default=None, pattern=AMOUNT_PATTERN, description="Omit to refund what is left")
    reason: str = Field(default="", max_length=500)


class RefundOut(ResponseSchema):
    id: str
    payment_id: str
    order_id: str
    amount: str
    currency: str
    status: str = Field(description="pending, succeeded or failed")
    kind: str = Field(description="refund (asked for) or return (money the provider took that we did not keep)")
    reason: str
    gateway_reference: str | None
    failure_message: str | None
    reversed: bool = Field(description="Failed after the provider accepted it: the amount was given back")
    accepted_at: datetime | None = Field(description="When the provider accepted it (the amount counts as refunded)")
    livemode: bool = Field(description="The payment's livemode")
    created_at: datetime
    updated_at: datetime | None


class RefundConfirmIn(InputSchema):
    reference: str = Field(min_length=1, max_length=64, description="The bank transfer's reference (UTR)")


class AlertOut(Schema):
    id: str
    code: str
    message: str
    seller_id: str
    payment_id: str | None
    order_id: str | None
    refund_id: str | None
    amount: str | None
    currency: str | None
    details: dict[str, Any]
    created_at: datetime


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class AlertQuery(PageQuery):
    code: str | None = Field(default=None, max_length=64)
    payment_id: str | None = Field(default=None, max_length=64)


class RefundPage(Schema):
    items: list[RefundOut]
    next_cursor: str | None


class RefundQuery(PageQuery):
    payment_id: str | None = Field(default=None, max_length=64)


class MoneyOut(ResponseSchema):
    currency: str
    amount: str


class DailyOut(Schema):
    day: date
    currency: str
    orders: int
    successful_payments: int
    failed_payments: int
    refunds: int
    cancelled: int
    volume: str
    refunded: str


class StatsOut(Schema):
    total_orders: int
    successful_payments: int
    failed_payments: int
    successful_refunds: int
    canceled_orders: int
    volume: list[MoneyOut]
    refunded: list[MoneyOut]
    daily: list[DailyOut]


class AdminStatsOut(StatsOut):
    merchant_id: str | None
    merchants: int | None
    admins: int | None
    users_by_role: dict[str, int] | None


class StatsQueryIn(Schema):
    since: date | None = Field(default=None, description="Only days on or after this date")


class AdminStatsQueryIn(StatsQueryIn):
    merchant_id: str | None = Field(default=None, max_length=64)


def order_out(order: Order) -> OrderOut:
    return OrderOut(**order_view(order))


def payment_out(payment: Payment) -> PaymentOut:
    return PaymentOut(**payment_view(payment))


def order_json(order: Order) -> str | None:
    """``order_out(order)`` as the JSON text a view's answer becomes, or None: use ``order_out``.

    ``payment_json``'s shortcut for an order: each value of ``order_view`` is already the one validation keeps
    when the metadata holds only strings (what ``OrderCreateIn`` accepts), so the body is written from the view
    with its datetimes encoded from the order's own: the same text, without the round trip through the schema
    (tests/unit/payments/test_order_json.py compares the two).
    """
    view = order_view(order)
    if any(type(value) is not str for value in view["metadata"].values()):
        return None  # values validation or the encoder may convert: the schema's way
    return _schema_text(view, expires_at=order.expires_at, created_at=order.created_at, updated_at=order.updated_at)


def payment_json(payment: Payment) -> str | None:
    """``payment_out(payment)`` as the JSON text a view's answer becomes (``json.dumps`` of its ``model_dump``
    with Ninja's encoder, as ``entrypoints.api.idempotency.render`` writes it), or None: use ``payment_out``.

    Through the schema, ``payment_view`` writes each datetime as text, validation parses it back and checks
    every field, and the encoder writes it again. For a payment with no hosted checkout data and no failed
    attempts (every card payment) each value of the view is already the one validation keeps, so the body
    is written from the view with its datetimes encoded from the payment's own: the same text, without the
    round trip (tests/unit/payments/test_payment_json.py compares the two).
    """
    view = payment_view(payment)
    if view["attempts"] or view["checkout"] is not None:
        return None  # nested values validation converts (attempt times, a checkout's dict): the schema's way
    return _schema_text(
        view, next_check_at=payment.next_check_at, created_at=payment.created_at, updated_at=payment.updated_at
    )


def _schema_text(view: dict[str, Any], **datetimes: datetime | None) -> str:
    """A view as its schema's JSON text: without the ``object`` tag (no field of the schema), each of
    ``datetimes`` (the resource's own, not the view's text) as the response encoder writes it."""
    del view["object"]
    for name, when in datetimes.items():
        view[name] = None if when is None else encoded_datetime(when)
    return json.dumps(view)


def refund_out(refund: Refund) -> RefundOut:
    return RefundOut(**refund_view(refund))


def alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=str(alert.id),
        code=alert.code,
        message=alert.message,
        seller_id=alert.seller_id,
        payment_id=str(alert.payment_id) if alert.payment_id else None,
        order_id=str(alert.order_id) if alert.order_id else None,
        refund_id=str(alert.refund_id) if alert.refund_id else None,
        amount=alert.amount.to_decimal_string() if alert.amount else None,
        currency=alert.amount.currency if alert.amount else None,
        details=alert.details,
        created_at=alert.created_at,
    )


def _money(amounts: dict[str, int]) -> list[MoneyOut]:
    return [MoneyOut(currency=c, amount=Money(v, c).to_decimal_string()) for c, v in sorted(amounts.items())]


def stats_out(summary: StatsSummary) -> dict[str, Any]:
    return {
        "total_orders": summary.total_orders,
        "successful_payments": summary.successful_payments,
        "failed_payments": summary.failed_payments,
        "successful_refunds": summary.successful_refunds,
        "canceled_orders": summary.canceled_orders,
        "volume": _money(summary.volume),
        "refunded": _money(summary.refunded),
        "daily": [
            DailyOut(
                day=d.day,
                currency=d.currency,
                orders=d.orders,
                successful_payments=d.successful_payments,
                failed_payments=d.failed_payments,
                refunds=d.refunds,
                cancelled=d.cancelled,
                volume=Money(d.volume_minor, d.currency).to_decimal_string(),
                refunded=Money(d.refunded_minor, d.currency).to_decimal_string(),
            )
            for d in summary.daily
        ],
    }
