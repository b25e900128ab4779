"""Commissions: what a reseller earns on one captured payment of an account it referred.

A commission is created ``pending``, approved after a holding period (or by an admin) or
rejected, then ``invoiced`` and ``paid``. Refunds claw back proportionally:

* the total clawed back on a payment is ``floor(original x refunded / captured)`` (rounded
  down, in the reseller's favour), computed from the payment's cumulative refunded amount,
  so replays and out-of-order refund events change nothing twice;
* while the commission is not yet invoiced or paid, it simply shrinks;
* once it is on an issued invoice or paid, it stays as it is and a negative ``clawback``
  commission carries the difference against the next invoice and payout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue


class CommissionKind(StrEnum):
    COMMISSION = "commission"
    CLAWBACK = "clawback"


class CommissionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    INVOICED = "invoiced"
    PAID = "paid"


C = CommissionStatus
# approved -> paid directly: payouts settle amounts, so a payout may cover a commission before it is invoiced.
COMMISSION_TRANSITIONS: dict[CommissionStatus, frozenset[CommissionStatus]] = {
    C.PENDING: frozenset({C.APPROVED, C.REJECTED}),
    C.APPROVED: frozenset({C.INVOICED, C.PAID}),
    C.INVOICED: frozenset({C.PAID}),
    C.REJECTED: frozenset(),
    C.PAID: frozenset(),
}
# Statuses whose amount belongs to the reseller (counted in the balance).
EARNED_STATUSES = frozenset({C.APPROVED, C.INVOICED, C.PAID})
# Statuses in which a refund shrinks the commission in place (nothing has been documented or paid).
SHRINKABLE_STATUSES = frozenset({C.PENDING, C.APPROVED})


@dataclass(kw_only=True)
class Commission:
    id: str
    reseller_id: str
    kind: CommissionKind
    status: CommissionStatus
    currency: str
    payment_id: str
    order_id: str = ""
    account_id: str = ""
    sale_minor: int = 0  # captured amount of the payment
    refunded_sale_minor: int = 0  # the payment's cumulative refunds accounted for so far
    tier: str = ""
    rate_bps: int = 0
    bonus_bps: int = 0
    base_minor: int = 0
    bonus_minor: int = 0
    original_minor: int = 0  # base + bonus, as earned at capture
    amount_minor: int = 0  # what counts now: shrinks before invoicing; negative for a clawback
    clawed_back_minor: int = 0  # total taken back so far (in place or through clawbacks)
    parent_id: str = ""  # a clawback's commission
    source_key: str = ""  # a clawback's refund, so one refund claws back once
    hold_until: datetime | None = None
    invoice_id: str = ""
    reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    paid_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def is_earned(self) -> bool:
        return self.status in EARNED_STATUSES

    def approve(self, *, by: str, now: datetime) -> None:
        if self.status is CommissionStatus.REJECTED:
            raise InvalidTransition("A rejected commission cannot be approved", code="commission_rejected")
        self._move(CommissionStatus.APPROVED, now)
        self.decided_by, self.decided_at = by, now

    def reject(self, *, reason: str, by: str, now: datetime) -> None:
        reason = reason.strip()
        if not reason:
            raise InvalidValue("A reason is required", code="reason_required", field="reason")
        self._move(CommissionStatus.REJECTED, now)
        self.reason, self.decided_by, self.decided_at = reason[:500], by, now

    def mark_invoiced(self, invoice_id: str, *, now: datetime) -> None:
        if self.invoice_id:
            raise InvalidTransition("Commission is already invoiced", code="already_invoiced")
        if self.status is CommissionStatus.APPROVED:
            self._move(CommissionStatus.INVOICED, now)
        elif self.status is not CommissionStatus.PAID:
            raise InvalidTransition(f"A {self.status.value} commission cannot be invoiced")
        self.invoice_id = invoice_id
        self.updated_at = now

    def mark_paid(self, *, now: datetime) -> None:
        self._move(CommissionStatus.PAID, now)
        self.paid_at = now

    def apply_refund(self, *, refunded_total_minor: int, now: datetime) -> int:
        """Accounts for the payment's cumulative refunds; returns what a new clawback must take back (>= 0)."""
        if self.kind is not CommissionKind.COMMISSION or self.sale_minor <= 0:
            return 0
        refunded = min(max(refunded_total_minor, 0), self.sale_minor)
        if refunded <= self.refunded_sale_minor:
            return 0  # a replay or an older refund event: already accounted for
        self.refunded_sale_minor = refunded
        target = self.original_minor * refunded // self.sale_minor
        delta = target - self.clawed_back_minor
        self.updated_at = now
        if delta <= 0:
            return 0
        self.clawed_back_minor = target
        if self.status in SHRINKABLE_STATUSES:
            self.amount_minor -= delta
            return 0
        if self.status is CommissionStatus.REJECTED:
            return 0  # nothing was owed, nothing to take back
        return delta

    def _move(self, target: CommissionStatus, now: datetime) -> None:
        if target not in COMMISSION_TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"A {self.status.value} commission cannot become {target.value}", code="invalid_commission_transition"
            )
        self.status = target
        self.updated_at = now
