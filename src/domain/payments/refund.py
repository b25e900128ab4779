"""A Refund: one request to return (part of) a captured payment through its gateway.

The Payment aggregate does the money accounting; this entity tracks the gateway's answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.ids import new_id
from domain.shared.money import Money


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(kw_only=True)
class Refund:
    id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    seller_id: str
    amount: Money
    reason: str = ""
    status: RefundStatus = RefundStatus.PENDING
    gateway_reference: str = ""
    failure_message: str = ""
    livemode: bool = True  # the payment's: a sandbox payment's refund moves no real money either
    created_at: datetime
    updated_at: datetime | None = None

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
            livemode=livemode,
            created_at=now,
            updated_at=now,
        )

    def succeed(self, now: datetime, gateway_reference: str = "") -> None:
        self._settle(RefundStatus.SUCCEEDED, now)
        if gateway_reference:
            self.gateway_reference = gateway_reference

    def fail(self, message: str, now: datetime) -> None:
        self._settle(RefundStatus.FAILED, now)
        self.failure_message = message

    def _settle(self, target: RefundStatus, now: datetime) -> None:
        # A gateway answers once; a second, different answer is a bug upstream, not a state change.
        if self.status is not RefundStatus.PENDING:
            raise InvalidTransition(f"Refund is already {self.status}")
        self.status = target
        self.updated_at = now
