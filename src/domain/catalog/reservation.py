"""Reservations: stock held for one order until it is paid (consumed), or given back (released).

    active --consume--> consumed
    active --release--> released --re_reserve--> consumed   (a payment that arrived after expiry,
                                                              and stock could be taken again)
A released reservation whose late payment found no stock stays released and records that the
payment was refunded. Every other move is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.catalog.service import check_quantity
from domain.shared.errors import InvalidTransition
from domain.shared.ids import new_id


class ReservationStatus(StrEnum):
    ACTIVE = "active"
    CONSUMED = "consumed"
    RELEASED = "released"


class ReleaseReason(StrEnum):
    EXPIRED = "expired"
    PAYMENT_FAILED = "payment_failed"
    CANCELLED = "cancelled"
    PAYMENT_ERROR = "payment_error"


class LatePayment(StrEnum):
    """What happened to a payment that succeeded after its reservation had been released."""

    NONE = ""
    RE_RESERVED = "re_reserved"
    REFUNDED = "refunded"


@dataclass(kw_only=True)
class Reservation:
    id: uuid.UUID
    variant_id: uuid.UUID
    order_id: uuid.UUID
    quantity: int
    status: ReservationStatus = ReservationStatus.ACTIVE
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    release_reason: str = ""
    late_payment: LatePayment = LatePayment.NONE

    @classmethod
    def create(
        cls, *, variant_id: uuid.UUID, order_id: uuid.UUID, quantity: int, now: datetime, expires_at: datetime
    ) -> Reservation:
        return cls(
            id=new_id(),
            variant_id=variant_id,
            order_id=order_id,
            quantity=check_quantity(quantity),
            expires_at=expires_at,
            created_at=now,
            updated_at=now,
        )

    @property
    def is_active(self) -> bool:
        return self.status is ReservationStatus.ACTIVE

    def is_past_expiry(self, now: datetime) -> bool:
        return now >= self.expires_at

    def consume(self, now: datetime) -> None:
        self._require(ReservationStatus.ACTIVE, "consumed")
        self.status = ReservationStatus.CONSUMED
        self.updated_at = now

    def release(self, reason: ReleaseReason, now: datetime) -> None:
        self._require(ReservationStatus.ACTIVE, "released")
        self.status = ReservationStatus.RELEASED
        self.release_reason = reason.value
        self.updated_at = now

    def re_reserve(self, now: datetime) -> None:
        """The caller has taken the quantity from stock again for a payment that arrived late."""
        self._require(ReservationStatus.RELEASED, "re-reserved")
        self.status = ReservationStatus.CONSUMED
        self.late_payment = LatePayment.RE_RESERVED
        self.updated_at = now

    def mark_refunded(self, now: datetime) -> None:
        self._require(ReservationStatus.RELEASED, "marked refunded")
        self.late_payment = LatePayment.REFUNDED
        self.updated_at = now

    def _require(self, status: ReservationStatus, action: str) -> None:
        if self.status is not status:
            raise InvalidTransition(
                f"A {self.status.value} reservation cannot be {action}", code="invalid_reservation_transition"
            )
