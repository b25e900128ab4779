"""The Payment aggregate: one attempt to pay an order through one gateway.

Status moves go through the explicit ``PAYMENT_TRANSITIONS`` table. Money invariants
(0 <= refunded <= captured <= amount, one currency) are checked on construction and kept by
every command. Events carry decimal strings and at most brand + last 4, never a PAN.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.payments.card import CardDetails
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import Money


class PaymentMethod(StrEnum):
    CARD = "card"
    CASHFREE = "cashfree"
    SSLCOMMERZ = "sslcommerz"
    BANK_TRANSFER = "bank_transfer"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    CANCELLED = "cancelled"


P = PaymentStatus
# Gateways that authorise and capture in one step (Cashfree, SSLCommerz, bank transfer) go
# pending -> captured directly; authorized -> cancelled is a void.
PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    P.PENDING: frozenset({P.AUTHORIZED, P.CAPTURED, P.FAILED, P.CANCELLED}),
    P.AUTHORIZED: frozenset({P.CAPTURED, P.FAILED, P.CANCELLED}),
    P.CAPTURED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.FAILED: frozenset(),
    P.REFUNDED: frozenset(),
    P.CANCELLED: frozenset(),
}
REFUNDABLE_STATUSES: frozenset[PaymentStatus] = frozenset({P.CAPTURED, P.PARTIALLY_REFUNDED})


@dataclass(kw_only=True)
class Payment:
    id: uuid.UUID
    order_id: uuid.UUID
    seller_id: str
    method: PaymentMethod
    amount: Money
    amount_captured: Money
    amount_refunded: Money
    status: PaymentStatus = PaymentStatus.PENDING
    card: CardDetails | None = None
    gateway_reference: str = ""
    failure_code: str = ""
    failure_message: str = ""
    redirect_url: str | None = None
    gateway_data: dict[str, Any] = field(default_factory=dict)
    # False when a sandbox (simulator, test card processor, provider test environment) took it: no real money.
    livemode: bool = True
    created_at: datetime
    updated_at: datetime
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Checked on every construction, including rehydration from storage.
        if not self.amount.is_positive():
            raise InvalidValue("Payment amount must be positive", code="invalid_amount", field="amount")
        currency = self.amount.currency
        if self.amount_captured.currency != currency or self.amount_refunded.currency != currency:
            raise InvalidValue("Payment amounts must share one currency", code="currency_mismatch", field="currency")
        if not 0 <= self.amount_refunded.minor <= self.amount_captured.minor <= self.amount.minor:
            raise InvalidValue("Payment amounts out of range", code="refund_exceeds_captured", field="amount")
        if self.card is not None and self.method is not PaymentMethod.CARD:
            raise InvalidValue("Only card payments carry card details", field="card")

    @classmethod
    def create(
        cls,
        *,
        order_id: uuid.UUID,
        seller_id: str,
        method: PaymentMethod,
        amount: Money,
        now: datetime,
        card: CardDetails | None = None,
        gateway_reference: str = "",
        id: uuid.UUID | None = None,
        livemode: bool = True,
    ) -> Payment:
        zero = Money.zero(amount.currency)
        return cls(
            id=id or new_id(),
            order_id=order_id,
            seller_id=seller_id,
            method=method,
            amount=amount,
            amount_captured=zero,
            amount_refunded=zero,
            card=card,
            gateway_reference=gateway_reference,
            livemode=livemode,
            created_at=now,
            updated_at=now,
        )

    # --- queries -----------------------------------------------------------------------------

    def can_move_to(self, target: PaymentStatus) -> bool:
        return target in PAYMENT_TRANSITIONS[self.status]

    def is_refundable(self) -> bool:
        return self.status in REFUNDABLE_STATUSES

    def refundable_amount(self) -> Money:
        return self.amount_captured - self.amount_refunded

    # --- commands ----------------------------------------------------------------------------

    def attach_gateway_session(
        self, *, reference: str, now: datetime, redirect_url: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Record what the gateway gave us for a hosted checkout; only meaningful before any outcome."""
        if self.status is not PaymentStatus.PENDING:
            raise InvalidTransition(f"Payment is {self.status}, its gateway session is fixed")
        self.gateway_reference = reference
        # Later news (a webhook with no URL of its own) must not erase the checkout URL.
        self.redirect_url = redirect_url or self.redirect_url
        self.gateway_data.update(data or {})
        self.updated_at = now

    def authorize(self, now: datetime) -> None:
        self._move(PaymentStatus.AUTHORIZED, now)
        self._emit("payment.authorized")

    def capture(self, now: datetime, amount: Money | None = None) -> None:
        """Capture the authorised (or pending, for one-step gateways) amount; less than all releases the rest."""
        captured = self.amount if amount is None else amount
        if not self.can_move_to(PaymentStatus.CAPTURED):
            raise InvalidTransition(f"Payment cannot move from {self.status} to captured")
        if not captured.is_positive() or self.amount < captured:
            raise InvalidValue("Capture amount must be positive and at most the payment amount", field="amount")
        self.amount_captured = captured
        self._move(PaymentStatus.CAPTURED, now)
        self._emit("payment.captured")

    def fail(self, code: str, message: str, now: datetime) -> None:
        self._move(PaymentStatus.FAILED, now)
        self.failure_code = code
        self.failure_message = message
        self._emit("payment.failed", failure_code=code, failure_message=message)

    def cancel(self, now: datetime) -> None:
        """Abandon a pending attempt or void an authorisation."""
        self._move(PaymentStatus.CANCELLED, now)
        self._emit("payment.cancelled")

    def refund(self, amount: Money, now: datetime) -> None:
        """Account for a refund; several partials are fine, their sum never passes the captured amount."""
        if not self.is_refundable():
            raise InvalidTransition(f"Payment is {self.status}, it cannot be refunded", code="payment_not_refundable")
        if not amount.is_positive():
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")
        new_total = self.amount_refunded + amount  # raises currency_mismatch
        if self.amount_captured < new_total:
            raise InvalidValue(
                f"Refund exceeds the remaining {self.refundable_amount()}",
                code="refund_exceeds_captured",
                field="amount",
            )
        self.amount_refunded = new_total
        full = new_total == self.amount_captured
        self._move(PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED, now)
        self._emit("payment.refunded", refund_amount=amount.to_decimal_string())

    # --- internals ---------------------------------------------------------------------------

    def _move(self, target: PaymentStatus, now: datetime) -> None:
        if not self.can_move_to(target):
            raise InvalidTransition(f"Payment cannot move from {self.status} to {target}")
        self.status = target
        self.updated_at = now

    def _emit(self, event_type: str, **extra: Any) -> None:
        data: dict[str, Any] = {
            "payment_id": str(self.id),
            "order_id": str(self.order_id),
            "seller_id": self.seller_id,
            "method": self.method.value,
            "status": self.status.value,
            "amount": self.amount.to_decimal_string(),
            "amount_captured": self.amount_captured.to_decimal_string(),
            "amount_refunded": self.amount_refunded.to_decimal_string(),
            "currency": self.amount.currency,
            "gateway_reference": self.gateway_reference,
        }
        if self.card is not None:
            data["card"] = {"brand": self.card.brand.value, "last4": self.card.last4}
        data.update(extra)
        self.events.append(DomainEvent(event_type, data, aggregate_id=str(self.id)))

    def pull_events(self) -> list[DomainEvent]:
        """Hand pending events to the outbox writer and forget them."""
        events, self.events = self.events, []
        return events
