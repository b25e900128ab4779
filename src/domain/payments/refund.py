"""A Refund: one request to return (part of) a captured payment through its gateway.

Lifecycle ``pending -> succeeded | failed``, in phases (docs/gateways.md):

1. requested: the intent is recorded and its amount reserved on the payment (``accepted_at`` None);
2. accepted: the provider took it (``accepted_at`` set); the amount now counts as refunded on the
   payment, the order and the stats; the provider may still answer ``succeeded`` or ``failed``;
3. final: ``succeeded``, or ``failed`` — a failure after acceptance is ``reversed``: the payment,
   order, stats and commissions get the amount back.

A ``return`` sends back money we never accepted (a capture on a closed payment or an order that
was already paid): it never counts as a refund of the payment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import Money


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundKind(StrEnum):
    REFUND = "refund"
    RETURN = "return"


@dataclass(kw_only=True)
class Refund:
    id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    seller_id: str
    amount: Money
    reason: str = ""
    status: RefundStatus = RefundStatus.PENDING
    kind: RefundKind = RefundKind.REFUND
    gateway_reference: str = ""
    failure_message: str = ""
    accepted_at: datetime | None = None
    reversed: bool = False
    livemode: bool = True  # the payment's: a sandbox payment's refund moves no real money either
    created_at: datetime
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.amount.is_positive():
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")

    @classmethod
    def create(
        cls,
        *,
        payment_id: uuid.UUID,
        order_id: uuid.UUID,
        seller_id: str,
        amount: Money,
        now: datetime,
        reason: str = "",
        kind: RefundKind = RefundKind.REFUND,
        id: uuid.UUID | None = None,
        livemode: bool = True,
    ) -> Refund:
        return cls(
            id=id or new_id(),
            payment_id=payment_id,
            order_id=order_id,
            seller_id=seller_id,
            amount=amount,
            reason=reason,
            kind=kind,
            livemode=livemode,
            created_at=now,
            updated_at=now,
        )

    # --- queries -----------------------------------------------------------------------------

    @property
    def is_requested(self) -> bool:
        """Phase 1 done, no provider answer applied yet: the amount is only reserved."""
        return self.status is RefundStatus.PENDING and self.accepted_at is None

    @property
    def counts_as_refunded(self) -> bool:
        """Its amount is part of the payment's refunded total (accepted and not failed)."""
        return self.kind is RefundKind.REFUND and self.accepted_at is not None and not self.reversed

    # --- commands ----------------------------------------------------------------------------

    def accept(self, now: datetime, gateway_reference: str = "") -> None:
        """The provider took the refund (it may still be pending there)."""
        if self.status is not RefundStatus.PENDING or self.accepted_at is not None:
            raise InvalidTransition(f"Refund is already {self.status}", code="refund_already_settled")
        self.accepted_at = now
        self.updated_at = now
        if gateway_reference:
            self.gateway_reference = gateway_reference
        if self.kind is RefundKind.RETURN:
            # A refund's acceptance is news on the payment (payment.refunded); a return's is its own.
            self._emit("refund.returned")

    def succeed(self, now: datetime, gateway_reference: str = "") -> None:
        if self.accepted_at is None:
            self.accepted_at = now
        self._settle(RefundStatus.SUCCEEDED, now)
        if gateway_reference:
            self.gateway_reference = gateway_reference
        self._emit("refund.succeeded")

    def fail(self, message: str, now: datetime) -> None:
        """Failed at once (nothing counted) or after acceptance (``reversed``: the amount goes back)."""
        self._settle(RefundStatus.FAILED, now)
        self.reversed = self.accepted_at is not None and self.kind is RefundKind.REFUND
        self.failure_message = message[:500]
        self._emit("refund.failed")

    def _settle(self, target: RefundStatus, now: datetime) -> None:
        # A gateway answers once; a second, different answer is a bug upstream, not a state change.
        if self.status is not RefundStatus.PENDING:
            raise InvalidTransition(f"Refund is already {self.status}", code="refund_already_settled")
        self.status = target
        self.updated_at = now

    def _emit(self, event_type: str) -> None:
        # A refund's news is its latest state: a later event in the same change supersedes an earlier
        # one not yet handed out (a return accepted and succeeded at once is one ``refund.succeeded``).
        self.events = [
            DomainEvent(event_type, {"refund_id": str(self.id), "status": self.status.value}, aggregate_id=str(self.id))
        ]

    def pull_events(self) -> list[DomainEvent]:
        """Hand pending events to the outbox writer and forget them."""
        events, self.events = self.events, []
        return events
