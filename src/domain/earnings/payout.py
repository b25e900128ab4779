"""Payouts: a reseller asks for (part of) its balance; an admin approves; a payout gateway pays.

``requested -> approved -> processing -> completed | failed``, or ``requested -> rejected``.
Requested, approved and processing payouts hold their amount out of the balance; a failed or
rejected one gives it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidValue
from domain.shared.money import Money
from domain.shared.transitions import Transitions


class PayoutMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    UPI = "upi"


class PayoutStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    REJECTED = "rejected"


P = PayoutStatus
PAYOUT_TRANSITIONS: Transitions[PayoutStatus, PayoutStatus] = Transitions(
    {
        P.REQUESTED: {P.APPROVED, P.REJECTED},
        P.APPROVED: {P.PROCESSING, P.FAILED},
        P.PROCESSING: {P.COMPLETED, P.FAILED},
        P.COMPLETED: set(),
        P.FAILED: set(),
        P.REJECTED: set(),
    },
    refusal="A {source} payout cannot become {move}",
    code="invalid_payout_transition",
)
RESERVING_STATUSES = frozenset({P.REQUESTED, P.APPROVED, P.PROCESSING})

_VPA = re.compile(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$")
_BANK = re.compile(r"^[A-Za-z0-9 :/@._-]{6,200}$")


def validate_destination(method: PayoutMethod, destination: str) -> str:
    """UPI: a VPA (``name@bank``). Bank transfer: account and IFSC in one string (``HDFC0001234:501000123``)."""
    value = (destination or "").strip()
    pattern = _VPA if method is PayoutMethod.UPI else _BANK
    if not pattern.match(value):
        hint = "a UPI id like name@bank" if method is PayoutMethod.UPI else "6-200 characters naming the account"
        raise InvalidValue(f"destination must be {hint}", code="invalid_destination", field="destination")
    return value


@dataclass(kw_only=True)
class Payout:
    id: str
    reseller_id: str
    amount: Money
    method: PayoutMethod
    destination: str
    status: PayoutStatus = PayoutStatus.REQUESTED
    reference: str = ""  # the payout gateway's id for the transfer
    failure_reason: str = ""
    rejection_reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    completed_at: datetime | None = None
    # False when a sandbox payout gateway handles it: no real money reaches the reseller.
    livemode: bool = True
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not self.amount.is_positive():
            raise InvalidValue("A payout amount must be positive", code="invalid_amount", field="amount")

    @property
    def reserves_balance(self) -> bool:
        return self.status in RESERVING_STATUSES

    def approve(self, *, by: str, now: datetime) -> None:
        self._move(PayoutStatus.APPROVED, now)
        self.decided_by, self.decided_at = by, now

    def reject(self, *, reason: str, by: str, now: datetime) -> None:
        reason = reason.strip()
        if not reason:
            raise InvalidValue("A reason is required", code="reason_required", field="reason")
        self._move(PayoutStatus.REJECTED, now)
        self.rejection_reason, self.decided_by, self.decided_at = reason[:500], by, now

    def start(self, *, now: datetime) -> None:
        self._move(PayoutStatus.PROCESSING, now)

    def complete(self, *, reference: str, now: datetime) -> None:
        self._move(PayoutStatus.COMPLETED, now)
        self.reference, self.completed_at = reference, now

    def fail(self, *, reason: str, now: datetime) -> None:
        self._move(PayoutStatus.FAILED, now)
        self.failure_reason = (reason.strip() or "The payout failed")[:500]

    def _move(self, target: PayoutStatus, now: datetime) -> None:
        PAYOUT_TRANSITIONS.require(self.status, target)
        self.status = target
        self.updated_at = now
