"""Commissions: what a reseller earns on one captured payment of an account it referred.

A commission is created ``pending``, approved after a holding period (or by an admin) or
rejected, then ``invoiced`` and ``paid``. Refunds claw back proportionally, and a refund that
fails at the provider gives back what it took:

* every refund is booked on the commission under its refund id (``refunds``): its amount,
  whether it is counted or failed, what it took back and how. The payment's net refunded
  amount is the sum of its counted refunds, and the total clawed back is brought to
  ``floor(original x net refunded / captured)`` (rounded down, in the reseller's favour);
  the difference a new refund makes is what that refund takes;
* while the commission is not yet invoiced or paid, it simply shrinks;
* once it is on an issued invoice or paid, it stays as it is and a negative ``clawback``
  commission carries the difference against the next invoice and payout;
* a failed refund (``refund.failed`` with ``reversed``) gives back exactly what it took: the
  commission grows again while it is pending or approved; its clawback is voided
  (``approved -> rejected``) while it is on no invoice and unpaid; otherwise a positive
  ``adjustment`` commission is set against the next payout;
* a refund id is booked once: a replayed event changes nothing, and a refund that failed
  before its ``payment.refunded`` was handled is remembered as failed, so that late event
  takes nothing back (events may arrive in any order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.transitions import Transitions


class CommissionKind(StrEnum):
    COMMISSION = "commission"
    CLAWBACK = "clawback"  # negative: a refund after invoicing or payout
    ADJUSTMENT = "adjustment"  # positive: gives back a settled clawback (or reduction) whose refund failed


class CommissionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    INVOICED = "invoiced"
    PAID = "paid"


C = CommissionStatus
# approved -> paid directly: payouts settle amounts, so a payout may cover a commission before it is invoiced.
COMMISSION_TRANSITIONS: Transitions[CommissionStatus, CommissionStatus] = Transitions(
    {
        C.PENDING: {C.APPROVED, C.REJECTED},
        C.APPROVED: {C.INVOICED, C.PAID},
        C.INVOICED: {C.PAID},
        C.REJECTED: set(),
        C.PAID: set(),
    },
    refusal="A {source} commission cannot become {move}",
    code="invalid_commission_transition",
)
# A clawback (or an adjustment) is born approved. A clawback whose refund failed before it was invoiced or
# settled is voided: approved -> rejected (a rejected clawback counts nowhere: not in the balance, not invoiced).
ADJUSTING_TRANSITIONS: Transitions[CommissionStatus, CommissionStatus] = COMMISSION_TRANSITIONS.extended(
    {
        C.PENDING: set(),
        C.APPROVED: {C.INVOICED, C.PAID, C.REJECTED},
    }
)
# Statuses whose amount belongs to the reseller (counted in the balance).
EARNED_STATUSES = frozenset({C.APPROVED, C.INVOICED, C.PAID})
# Statuses in which a refund shrinks the commission in place (nothing has been documented or paid).
SHRINKABLE_STATUSES = frozenset({C.PENDING, C.APPROVED})


class RefundState(StrEnum):
    COUNTED = "counted"  # the provider accepted it (payment.refunded): its share is taken back
    FAILED = "failed"  # the provider refused it in the end: nothing of it is taken back


class RefundMode(StrEnum):
    """How a counted refund took its share back, so a failure can give exactly that back the same way."""

    NONE = "none"  # nothing taken (rounding, or a rejected commission)
    IN_PLACE = "in_place"  # the commission shrank
    CLAWBACK = "clawback"  # a clawback commission (``clawback_id``)


@dataclass(kw_only=True, slots=True)
class RefundEffect:
    """One refund of the payment, as booked on its commission (keyed by refund id)."""

    refund_id: str
    amount_minor: int  # the refund's amount (of the sale)
    state: RefundState = RefundState.COUNTED
    clawed_minor: int = 0  # commission it took back
    mode: RefundMode = RefundMode.NONE
    clawback_id: str = ""
    restored_by: str = ""  # when it failed after counting: "in_place" | "void" | "adjustment" | "none"

    def to_dict(self) -> dict[str, object]:
        return {
            "amount_minor": self.amount_minor,
            "state": self.state.value,
            "clawed_minor": self.clawed_minor,
            "mode": self.mode.value,
            "clawback_id": self.clawback_id,
            "restored_by": self.restored_by,
        }

    @classmethod
    def from_dict(cls, refund_id: str, data: dict[str, object]) -> RefundEffect:
        return cls(
            refund_id=refund_id,
            amount_minor=int(str(data.get("amount_minor") or 0)),
            state=RefundState(str(data.get("state") or RefundState.COUNTED.value)),
            clawed_minor=int(str(data.get("clawed_minor") or 0)),
            mode=RefundMode(str(data.get("mode") or RefundMode.NONE.value)),
            clawback_id=str(data.get("clawback_id") or ""),
            restored_by=str(data.get("restored_by") or ""),
        )


@dataclass(frozen=True, slots=True)
class RefundCounted:
    """What counting a refund did: ``owed`` > 0 asks the caller for a clawback of that size."""

    refund_id: str
    reduced_minor: int = 0  # taken in place
    owed_minor: int = 0  # to take through a new clawback


@dataclass(frozen=True, slots=True)
class RefundReversed:
    """What a failed refund gives back. Exactly one of the fields is set when anything is to be done."""

    refund_id: str
    restored_minor: int = 0  # given back in place (the commission grew again)
    clawback_id: str = ""  # the clawback to void, or to compensate when it can no longer be voided
    adjustment_minor: int = 0  # to give back through a positive adjustment (the commission is invoiced/paid)
    amount_minor: int = 0  # what the refund had taken back


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
    source_key: str = ""  # a clawback's or adjustment's refund, so one refund claws back (and gives back) once
    refunds: dict[str, RefundEffect] = field(default_factory=dict)  # a commission's refunds, by refund id
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
        if self.kind is not CommissionKind.COMMISSION:
            raise InvalidTransition(f"A {self.kind.value} cannot be rejected", code="invalid_commission_transition")
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

    @property
    def net_refunded_minor(self) -> int:
        counted = sum(r.amount_minor for r in self.refunds.values() if r.state is RefundState.COUNTED)
        return min(counted, self.sale_minor)

    def count_refund(self, *, refund_id: str, amount_minor: int, now: datetime) -> RefundCounted | None:
        """Books one accepted refund; None when it was booked before (a replay) or has already failed."""
        if self.kind is not CommissionKind.COMMISSION or self.sale_minor <= 0 or not refund_id:
            return None
        if refund_id in self.refunds:
            return None
        effect = RefundEffect(refund_id=refund_id, amount_minor=max(amount_minor, 0))
        self.refunds[refund_id] = effect
        self.refunded_sale_minor = self.net_refunded_minor
        self.updated_at = now
        delta = self.original_minor * self.refunded_sale_minor // self.sale_minor - self.clawed_back_minor
        if delta <= 0:
            return RefundCounted(refund_id)
        self.clawed_back_minor += delta
        effect.clawed_minor = delta
        if self.status in SHRINKABLE_STATUSES:
            self.amount_minor -= delta
            effect.mode = RefundMode.IN_PLACE
            return RefundCounted(refund_id, reduced_minor=delta)
        if self.status is CommissionStatus.REJECTED:
            return RefundCounted(refund_id)  # nothing was owed, nothing to take back
        effect.mode = RefundMode.CLAWBACK
        return RefundCounted(refund_id, owed_minor=delta)

    def count_refunded_total(self, *, refunded_total_minor: int, key: str, now: datetime) -> RefundCounted | None:
        """An event that only says the payment's cumulative refunds: books what no known refund explains yet."""
        unexplained = min(max(refunded_total_minor, 0), self.sale_minor) - self.net_refunded_minor
        if unexplained <= 0:
            return None  # a replay or an older event: already accounted for
        return self.count_refund(refund_id=key or f"refunded:{refunded_total_minor}", amount_minor=unexplained, now=now)

    def link_clawback(self, refund_id: str, clawback_id: str) -> None:
        self.refunds[refund_id].clawback_id = clawback_id

    def fail_refund(self, *, refund_id: str, amount_minor: int, now: datetime) -> RefundReversed | None:
        """Books a refund the provider refused after it had been accepted. None when there is nothing to do.

        A failure seen before the refund was counted is remembered (the later ``payment.refunded``
        then takes nothing); a failure seen twice changes nothing.
        """
        if self.kind is not CommissionKind.COMMISSION or not refund_id:
            return None
        effect = self.refunds.get(refund_id)
        if effect is None:
            self.refunds[refund_id] = RefundEffect(
                refund_id=refund_id, amount_minor=max(amount_minor, 0), state=RefundState.FAILED
            )
            self.updated_at = now
            return None
        if effect.state is RefundState.FAILED:
            return None
        effect.state = RefundState.FAILED
        self.refunded_sale_minor = self.net_refunded_minor
        self.updated_at = now
        inherited = self._hand_over(effect)
        self.clawed_back_minor -= effect.clawed_minor
        given = effect.clawed_minor
        if given <= 0 or effect.mode is RefundMode.NONE:
            effect.restored_by = "none"
            return RefundReversed(refund_id)
        if effect.mode is RefundMode.CLAWBACK:
            if inherited or not effect.clawback_id:
                # Its clawback still carries what another refund now explains: give back the rest alongside.
                effect.restored_by = "adjustment"
                return RefundReversed(refund_id, adjustment_minor=given, amount_minor=given)
            return RefundReversed(refund_id, clawback_id=effect.clawback_id, amount_minor=given)
        if self.status in SHRINKABLE_STATUSES:
            self.amount_minor += given
            effect.restored_by = "in_place"
            return RefundReversed(refund_id, restored_minor=given, amount_minor=given)
        if self.status is CommissionStatus.REJECTED:
            effect.restored_by = "none"  # the commission counts for nothing any more
            return RefundReversed(refund_id)
        # Reduced while pending/approved, then invoiced or paid at the reduced amount: the invoice stays.
        effect.restored_by = "adjustment"
        return RefundReversed(refund_id, adjustment_minor=given, amount_minor=given)

    def _hand_over(self, failed: RefundEffect) -> int:
        """Events out of order can count a refund while one it replaces still counts: the later one then took
        less (the total was capped at the sale). When the earlier one fails, the part of its take that the
        remaining refunds now explain passes to them instead of being given back; returns that part.

        It goes to the remaining refunds that hold less than their own share (what each adds, in the order
        they were booked, to ``floor(original x refunded / captured)``), so that any of them failing later
        gives back about its own share. Handed to the first one alone, a refund that fails afterwards would
        give back nothing while the share it explained stayed taken."""
        target = self.original_minor * self.refunded_sale_minor // self.sale_minor if self.sale_minor else 0
        others = self.clawed_back_minor - failed.clawed_minor
        kept = max(0, min(failed.clawed_minor, target - others))
        counted = [
            r for r in self.refunds.values() if r.state is RefundState.COUNTED and r.refund_id != failed.refund_id
        ]
        if kept <= 0 or not counted:
            return 0
        whole = kept == failed.clawed_minor
        parts: list[tuple[RefundEffect, int]] = []
        left, refunded, explained = kept, 0, 0
        for refund in counted:
            refunded = min(refunded + refund.amount_minor, self.sale_minor)
            share = self.original_minor * refunded // self.sale_minor - explained
            explained += share
            part = min(max(share - refund.clawed_minor, 0), left)
            if part > 0:
                parts.append((refund, part))
                left -= part
        if left > 0:  # rounding: every remaining refund already holds its share
            heir = next((r for r in counted if r.clawed_minor == 0), counted[0])
            parts.append((heir, left))
        for heir, part in parts:
            if heir.clawed_minor == 0:
                heir.mode = failed.mode
                # A whole clawback passes with its id; a share of one is later given back by an adjustment.
                heir.clawback_id = failed.clawback_id if whole and len(parts) == 1 else ""
            elif heir.mode is RefundMode.CLAWBACK:
                heir.clawback_id = ""  # its take now spans two clawbacks: a later failure is given back by adjustment
            heir.clawed_minor += part
        failed.clawed_minor -= kept
        return kept

    def apply_refund(self, *, refunded_total_minor: int, now: datetime, refund_id: str = "") -> int:
        """Accounts for the payment's cumulative refunds; returns what a new clawback must take back (>= 0)."""
        counted = self.count_refunded_total(refunded_total_minor=refunded_total_minor, key=refund_id, now=now)
        return counted.owed_minor if counted is not None else 0

    @property
    def can_be_voided(self) -> bool:
        """A clawback not yet on an invoice nor settled against a payout can simply be voided."""
        return self.kind is CommissionKind.CLAWBACK and self.status is CommissionStatus.APPROVED and not self.invoice_id

    def void(self, *, reason: str, now: datetime) -> None:
        if not self.can_be_voided:
            raise InvalidTransition(
                f"A {self.status.value} {self.kind.value} cannot be voided", code="invalid_commission_transition"
            )
        self._move(CommissionStatus.REJECTED, now)
        self.reason, self.decided_at = reason[:500], now

    def _move(self, target: CommissionStatus, now: datetime) -> None:
        table = COMMISSION_TRANSITIONS if self.kind is CommissionKind.COMMISSION else ADJUSTING_TRANSITIONS
        table.require(self.status, target)
        self.status = target
        self.updated_at = now
