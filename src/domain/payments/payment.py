"""The Payment aggregate: one attempt to pay an order through one gateway.

Status moves go through the explicit ``PAYMENT_TRANSITIONS`` table. Money invariants
(0 <= refunded + refund_pending <= captured <= amount, one currency) are checked on construction
and kept by every command. Events carry decimal strings and at most brand + last 4, never a PAN.

Provider calls happen in phases (docs/gateways.md): ``started_at`` is None until the provider's
answer to the start was applied, so recovery can tell an intent from a payment the provider knows;
``refund_pending`` is money reserved by refund intents the provider has not answered yet;
``attempts`` lists the buyer's failed tries on a hosted checkout that can still be paid.
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
from domain.shared.transitions import Transitions


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
    EXPIRED = "expired"


P = PaymentStatus
# Gateways that authorise and capture in one step (Cashfree, SSLCommerz, bank transfer) go
# pending -> captured directly; authorized -> cancelled is a void; pending -> expired is a hosted
# checkout nobody paid. A refund the provider fails after accepting it moves the status back
# (``REFUND_REVERSALS``: only ``reverse_refund`` makes those moves).
_REFUSAL = "Payment cannot move from {source} to {move}"
PAYMENT_TRANSITIONS: Transitions[PaymentStatus, PaymentStatus] = Transitions(
    {
        P.PENDING: {P.AUTHORIZED, P.CAPTURED, P.FAILED, P.CANCELLED, P.EXPIRED},
        P.AUTHORIZED: {P.CAPTURED, P.FAILED, P.CANCELLED},
        P.CAPTURED: {P.PARTIALLY_REFUNDED, P.REFUNDED},
        P.PARTIALLY_REFUNDED: {P.PARTIALLY_REFUNDED, P.REFUNDED},
        P.FAILED: set(),
        P.REFUNDED: set(),
        P.CANCELLED: set(),
        P.EXPIRED: set(),
    },
    refusal=_REFUSAL,
)
REFUND_REVERSALS: Transitions[PaymentStatus, PaymentStatus] = Transitions(
    {
        P.REFUNDED: {P.PARTIALLY_REFUNDED, P.CAPTURED},
        P.PARTIALLY_REFUNDED: {P.CAPTURED},
    },
    refusal=_REFUSAL,
)
# Closed: the provider may still report money on it, which is then returned automatically.
CLOSED_STATUSES: frozenset[PaymentStatus] = frozenset({P.FAILED, P.CANCELLED, P.EXPIRED})
MAX_ATTEMPTS_KEPT = 20
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
    refund_pending: Money | None = None
    status: PaymentStatus = PaymentStatus.PENDING
    card: CardDetails | None = None
    gateway_reference: str = ""
    failure_code: str = ""
    failure_message: str = ""
    redirect_url: str | None = None
    gateway_data: dict[str, Any] = field(default_factory=dict)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    # False when a sandbox (simulator, test card processor, provider test environment) took it: no real money.
    livemode: bool = True
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    next_check_at: datetime | None = None
    check_count: int = 0
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Checked on every construction, including rehydration from storage.
        if not self.amount.is_positive():
            raise InvalidValue("Payment amount must be positive", code="invalid_amount", field="amount")
        currency = self.amount.currency
        if self.refund_pending is None:
            self.refund_pending = Money.zero(currency)
        if (
            self.amount_captured.currency != currency
            or self.amount_refunded.currency != currency
            or self.refund_pending.currency != currency
        ):
            raise InvalidValue("Payment amounts must share one currency", code="currency_mismatch", field="currency")
        held = self.amount_refunded.minor + self.refund_pending.minor
        if not (self.amount_refunded.minor >= 0 and self.refund_pending.minor >= 0):
            raise InvalidValue("Payment amounts out of range", code="refund_exceeds_captured", field="amount")
        if not held <= self.amount_captured.minor <= self.amount.minor:
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
        return PAYMENT_TRANSITIONS.can(self.status, target)

    def is_refundable(self) -> bool:
        return self.status in REFUNDABLE_STATUSES

    def refundable_amount(self) -> Money:
        """What a new refund may still take: captured, less refunds counted or still in flight."""
        return self.amount_captured - self.amount_refunded - self.reserved_for_refunds()

    def reserved_for_refunds(self) -> Money:
        return self.refund_pending or Money.zero(self.amount.currency)

    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def awaits_start_answer(self) -> bool:
        """Phase 1 recorded this payment but the provider's answer to the start was never applied."""
        return self.status is PaymentStatus.PENDING and self.started_at is None

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

    def mark_started(self, now: datetime) -> None:
        if self.started_at is None:
            self.started_at = now
            self.updated_at = now

    def schedule_check(self, at: datetime | None) -> None:
        """When reconciliation should next ask the provider (None: never, the payment is settled)."""
        self.next_check_at = at

    def record_failed_attempt(self, *, code: str, message: str, now: datetime, provider_payment_id: str = "") -> bool:
        """A hosted checkout's try failed while the provider order can still be paid; False if already known."""
        if self.status is not PaymentStatus.PENDING:
            return False
        if provider_payment_id and any(a.get("provider_payment_id") == provider_payment_id for a in self.attempts):
            return False
        attempt = {
            "failure_code": code,
            "failure_message": message[:500],
            "provider_payment_id": provider_payment_id,
            "at": now.isoformat().replace("+00:00", "Z"),
        }
        self.attempts = [*self.attempts, attempt][-MAX_ATTEMPTS_KEPT:]
        self.updated_at = now
        self._emit("payment.attempt_failed", attempt=attempt)
        return True

    def note_unexpected_capture(self, *, amount: Money, code: str, reference: str, now: datetime) -> None:
        """The provider took money we will not keep (the payment or its order was closed, or the amount is
        wrong); it is being returned. The payment's own status and amounts do not change."""
        self.gateway_data["unexpected_capture"] = {
            "code": code,
            "amount": amount.to_decimal_string(),
            "currency": amount.currency,
            "reference": reference,
            "at": now.isoformat().replace("+00:00", "Z"),
        }
        self.updated_at = now
        self._emit("payment.unexpected_capture", code=code, unexpected_amount=amount.to_decimal_string())

    def expire(self, now: datetime) -> None:
        """The hosted checkout ran out without a payment."""
        self._move(PaymentStatus.EXPIRED, now)
        self.next_check_at = None
        self._emit("payment.expired")

    def authorize(self, now: datetime) -> None:
        self._move(PaymentStatus.AUTHORIZED, now)
        self._emit("payment.authorized")

    def capture(self, now: datetime, amount: Money | None = None) -> None:
        """Capture the authorised (or pending, for one-step gateways) amount; less than all releases the rest."""
        captured = self.amount if amount is None else amount
        PAYMENT_TRANSITIONS.require(self.status, PaymentStatus.CAPTURED)
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

    def reserve_refund(self, amount: Money, now: datetime) -> None:
        """Phase 1 of a refund: hold the amount so concurrent refunds cannot take the same money."""
        if not self.is_refundable():
            raise InvalidTransition(f"Payment is {self.status}, it cannot be refunded", code="payment_not_refundable")
        if not amount.is_positive():
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")
        if self.refundable_amount() < amount:  # raises currency_mismatch
            remaining = self.refundable_amount()
            raise InvalidValue(
                f"Only {remaining.to_decimal_string()} {remaining.currency} is left to refund",
                code="refund_exceeds_captured",
                field="amount",
            )
        self.refund_pending = self.reserved_for_refunds() + amount
        self.updated_at = now

    def release_refund(self, amount: Money, now: datetime) -> None:
        """The provider answered a refund intent: its reservation ends (counted or given back)."""
        held = self.reserved_for_refunds()
        self.refund_pending = held - amount if amount <= held else Money.zero(held.currency)
        self.updated_at = now

    def refund(self, amount: Money, now: datetime) -> None:
        """Account for a refund the provider accepted; their sum never passes the captured amount."""
        if not self.is_refundable():
            raise InvalidTransition(f"Payment is {self.status}, it cannot be refunded", code="payment_not_refundable")
        if not amount.is_positive():
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")
        new_total = self.amount_refunded + amount  # raises currency_mismatch
        if self.amount_captured < new_total + self.reserved_for_refunds():
            raise InvalidValue(
                f"Refund exceeds the remaining {self.refundable_amount()}",
                code="refund_exceeds_captured",
                field="amount",
            )
        self.amount_refunded = new_total
        full = new_total == self.amount_captured
        self._move(PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED, now)
        self._emit("payment.refunded", refund_amount=amount.to_decimal_string())

    def reverse_refund(self, amount: Money, now: datetime) -> None:
        """A refund the provider accepted and then failed: the money is the merchant's again."""
        if amount.minor > self.amount_refunded.minor:
            raise InvalidValue("Cannot reverse more than was refunded", code="refund_exceeds_captured", field="amount")
        self.amount_refunded = self.amount_refunded - amount
        target = PaymentStatus.CAPTURED if self.amount_refunded.minor == 0 else PaymentStatus.PARTIALLY_REFUNDED
        if target is not self.status:
            REFUND_REVERSALS.require(self.status, target)
            self.status = target
        self.updated_at = now
        self._emit("payment.refund_reversed", refund_amount=amount.to_decimal_string())

    # --- internals ---------------------------------------------------------------------------

    def _move(self, target: PaymentStatus, now: datetime) -> None:
        PAYMENT_TRANSITIONS.require(self.status, target)
        self.status = target
        self.updated_at = now
        if target not in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            self.next_check_at = None  # settled: nothing left to ask the provider

    def _emit(self, event_type: str, **facts: Any) -> None:
        # What happened, not a copy of the payment: the published event carries the payment (and its order)
        # as the change commits them (application/payments/publishing.py), as a refund's does.
        payment_id = str(self.id)
        data: dict[str, Any] = {"payment_id": payment_id, "status": self.status.value}
        data.update(facts)
        self.events.append(DomainEvent(event_type, data, aggregate_id=payment_id))

    def pull_events(self) -> list[DomainEvent]:
        """Hand pending events to the outbox writer and forget them."""
        events, self.events = self.events, []
        return events
