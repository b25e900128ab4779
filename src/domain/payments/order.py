"""The Order aggregate: what a buyer owes a seller, and where that debt stands.

Every status change goes through ``_move`` and the explicit ``ORDER_TRANSITIONS`` table, so the
state machine is readable in one place and every move emits one ``order.<status>`` event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import Money
from domain.shared.transitions import Transitions


class OrderKind(StrEnum):
    """Who sells: a merchant through the API, a vendor in the marketplace, or the company to a distributor."""

    MERCHANT = "merchant"
    MARKETPLACE = "marketplace"
    DISTRIBUTOR = "distributor"


class OrderStatus(StrEnum):
    CREATED = "created"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    PROCESSING = "processing"
    COMPLETED = "completed"


S = OrderStatus
# A failed order stays open: the buyer may retry with another payment, so failed -> paid is legal,
# and an abandoned failed order can still be cancelled or expire.
# Refunds (docs/gateways.md): a paid order goes partially_refunded -> refunded; a marketplace order
# being fulfilled keeps processing/completed on a partial refund, a full refund of a repair not yet
# completed cancels it, of a completed one refunds it. A refund the provider fails after accepting
# it moves the order back where it was (refunded/cancelled -> paid, processing, completed ...).
_REFUSAL = "Order cannot move from {source} to {move}"
ORDER_TRANSITIONS: Transitions[OrderStatus, OrderStatus] = Transitions(
    {
        S.CREATED: {S.PAID, S.FAILED, S.CANCELLED, S.EXPIRED},
        S.FAILED: {S.PAID, S.CANCELLED, S.EXPIRED},
        S.PAID: {S.PARTIALLY_REFUNDED, S.REFUNDED, S.PROCESSING},
        S.PARTIALLY_REFUNDED: {S.PARTIALLY_REFUNDED, S.REFUNDED},
        S.PROCESSING: {S.COMPLETED},
        S.REFUNDED: set(),
        S.CANCELLED: set(),
        S.EXPIRED: set(),
        S.COMPLETED: set(),
    },
    refusal=_REFUSAL,
)
# Moves only a refund makes (``record_refund``), and only its reversal undoes (``reverse_refund``).
REFUND_MOVES: Transitions[OrderStatus, OrderStatus] = Transitions(
    {
        S.PAID: {S.PARTIALLY_REFUNDED, S.REFUNDED},
        S.PARTIALLY_REFUNDED: {S.PARTIALLY_REFUNDED, S.REFUNDED},
        S.PROCESSING: {S.CANCELLED},
        S.COMPLETED: {S.REFUNDED},
    },
    refusal=_REFUSAL,
)
REFUND_REVERSALS: Transitions[OrderStatus, OrderStatus] = Transitions(
    {
        S.REFUNDED: {S.PARTIALLY_REFUNDED, S.PAID, S.COMPLETED},
        S.PARTIALLY_REFUNDED: {S.PAID},
        S.CANCELLED: {S.PROCESSING},
    },
    refusal=_REFUSAL,
)
PAYABLE_STATUSES: frozenset[OrderStatus] = frozenset({S.CREATED, S.FAILED})
# Captured money sits on an order in one of these, so a refund may take it back.
REFUNDABLE_ORDER_STATUSES: frozenset[OrderStatus] = frozenset({S.PAID, S.PARTIALLY_REFUNDED, S.PROCESSING, S.COMPLETED})
# Fulfilment states keep their status on a partial refund: the vendor still does (or did) the work.
FULFILMENT_STATUSES: frozenset[OrderStatus] = frozenset({S.PROCESSING, S.COMPLETED})


@dataclass(kw_only=True)
class Order:
    id: uuid.UUID
    seller_id: str
    buyer_id: str | None
    amount: Money
    amount_refunded: Money
    status: OrderStatus = OrderStatus.CREATED
    description: str = ""
    reference: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None = None
    kind: OrderKind = OrderKind.MERCHANT
    # Where a refund moved the order from, so a refund the provider later fails can move it back.
    status_before_refund: OrderStatus | None = None
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Checked on every construction, including rehydration from storage.
        if not self.amount.is_positive():
            raise InvalidValue("Order amount must be positive", code="invalid_amount", field="amount")
        if self.amount_refunded.currency != self.amount.currency:
            raise InvalidValue("Refunded amount currency differs", code="currency_mismatch", field="currency")
        if self.amount_refunded.minor < 0 or self.amount < self.amount_refunded:
            raise InvalidValue("Refunded amount out of range", code="refund_exceeds_captured", field="amount")

    @classmethod
    def create(
        cls,
        *,
        seller_id: str,
        amount: Money,
        now: datetime,
        buyer_id: str | None = None,
        description: str = "",
        reference: str = "",
        metadata: dict[str, Any] | None = None,
        expires_at: datetime | None = None,
        kind: OrderKind = OrderKind.MERCHANT,
        id: uuid.UUID | None = None,
    ) -> Order:
        order = cls(
            id=id or new_id(),
            seller_id=seller_id,
            buyer_id=buyer_id,
            amount=amount,
            amount_refunded=Money.zero(amount.currency),
            description=description,
            reference=reference,
            metadata=dict(metadata or {}),
            created_at=now,
            updated_at=now,
            expires_at=expires_at,
            kind=kind,
        )
        order._emit("order.created")
        return order

    # --- queries -----------------------------------------------------------------------------

    def is_payable(self) -> bool:
        return self.status in PAYABLE_STATUSES

    def is_past_expiry(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def refundable_amount(self) -> Money:
        return self.amount - self.amount_refunded

    def is_refundable(self) -> bool:
        return self.status in REFUNDABLE_ORDER_STATUSES

    def can_move_to(self, target: OrderStatus) -> bool:
        return ORDER_TRANSITIONS.can(self.status, target)

    # --- commands ----------------------------------------------------------------------------

    def mark_paid(self, now: datetime) -> None:
        if not self.is_payable():
            raise InvalidTransition(f"Order is {self.status}, it cannot be paid", code="order_not_payable")
        self._move(OrderStatus.PAID, now)

    def mark_failed(self, now: datetime) -> None:
        self._move(OrderStatus.FAILED, now)

    def cancel(self, now: datetime) -> None:
        self._move(OrderStatus.CANCELLED, now)

    def expire(self, now: datetime) -> None:
        self._move(OrderStatus.EXPIRED, now)

    def start_processing(self, now: datetime) -> None:
        self._move(OrderStatus.PROCESSING, now)

    def complete(self, now: datetime) -> None:
        self._move(OrderStatus.COMPLETED, now)

    def record_refund(self, amount: Money, now: datetime) -> None:
        """Account for money returned to the buyer; the total can never pass the order amount."""
        if not self.is_refundable():
            raise InvalidTransition(f"Order is {self.status}, it cannot be refunded", code="order_not_refundable")
        if not amount.is_positive():
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")
        new_total = self.amount_refunded + amount  # raises currency_mismatch
        if self.amount < new_total:
            raise InvalidValue(
                f"Refund exceeds the remaining {self.refundable_amount()}",
                code="refund_exceeds_captured",
                field="amount",
            )
        self.amount_refunded = new_total
        full = new_total == self.amount
        if self.status in FULFILMENT_STATUSES:
            if not full:
                self.updated_at = now
                self._emit("order.partially_refunded", refund_amount=amount)
                return
            # A repair not done yet is called off; a completed one is simply paid back.
            target = OrderStatus.CANCELLED if self.status is OrderStatus.PROCESSING else OrderStatus.REFUNDED
        else:
            target = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
        REFUND_MOVES.require(self.status, target)
        if self.status_before_refund is None:
            self.status_before_refund = self.status
        self.status = target
        self.updated_at = now
        self._emit(f"order.{target.value}", refund_amount=amount)

    def reverse_refund(self, amount: Money, now: datetime) -> None:
        """A refund the provider accepted and then failed: the order holds that money again."""
        if amount.minor > self.amount_refunded.minor:
            raise InvalidValue("Cannot reverse more than was refunded", code="refund_exceeds_captured", field="amount")
        self.amount_refunded = self.amount_refunded - amount
        before = self.status_before_refund
        if before is not None:
            if self.amount_refunded.minor == 0:
                target, self.status_before_refund = before, None
            elif before in FULFILMENT_STATUSES:
                target = before
            else:
                target = OrderStatus.PARTIALLY_REFUNDED
            if target is not self.status:
                REFUND_REVERSALS.require(self.status, target)
                self.status = target
        self.updated_at = now
        self._emit("order.refund_reversed", refund_amount=amount)

    # --- internals ---------------------------------------------------------------------------

    def _move(self, target: OrderStatus, now: datetime, **extra: Any) -> None:
        ORDER_TRANSITIONS.require(self.status, target)
        self.status = target
        self.updated_at = now
        self._emit(f"order.{target.value}", **extra)

    def _emit(self, event_type: str, **facts: Any) -> None:
        # What happened, not a copy of the order: the published event carries the order as the change
        # commits it (application/payments/publishing.py), as a refund's does.
        order_id = str(self.id)
        data: dict[str, Any] = {"order_id": order_id, "status": self.status.value}
        for key, value in facts.items():
            data[key] = value.to_decimal_string() if isinstance(value, Money) else value
        self.events.append(DomainEvent(event_type, data, aggregate_id=order_id))

    def pull_events(self) -> list[DomainEvent]:
        """Hand pending events to the outbox writer and forget them."""
        events, self.events = self.events, []
        return events
