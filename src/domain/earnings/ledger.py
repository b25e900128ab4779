"""A reseller's balance, and which commissions a completed payout settles.

available = earned (approved + invoiced + paid commissions and adjustments) - clawbacks - payouts paid
            - payouts requested/approved/processing
A failed or rejected payout reserves nothing, so its money is back in the balance. The
balance can go negative only through a refund after payout (clawback debt), which the next
commissions pay off before any new payout is possible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.earnings.commission import EARNED_STATUSES, Commission, CommissionKind, CommissionStatus


@dataclass(frozen=True, slots=True)
class Ledger:
    earned_minor: int = 0
    clawback_minor: int = 0  # positive: what refunds after payout took back
    paid_out_minor: int = 0
    reserved_minor: int = 0  # payouts asked for and not yet completed or failed
    pending_minor: int = 0  # commissions still in their holding period (not in the balance)

    @property
    def available_minor(self) -> int:
        return self.earned_minor - self.clawback_minor - self.paid_out_minor - self.reserved_minor


def ledger_of(commissions: Iterable[Commission], *, paid_out_minor: int, reserved_minor: int) -> Ledger:
    earned = clawback = pending = 0
    for c in commissions:
        if c.kind is CommissionKind.CLAWBACK:
            if c.status is not CommissionStatus.REJECTED:
                clawback += -c.amount_minor
        elif c.status in EARNED_STATUSES:
            earned += c.amount_minor
        elif c.status is CommissionStatus.PENDING:
            pending += c.amount_minor
    return Ledger(
        earned_minor=earned,
        clawback_minor=clawback,
        paid_out_minor=paid_out_minor,
        reserved_minor=reserved_minor,
        pending_minor=pending,
    )


def settled_by_payouts(
    open_items: Sequence[Commission], *, already_paid_minor: int, covered_minor: int
) -> list[Commission]:
    """Which open commissions and clawbacks completed payouts now cover, oldest first (FIFO).

    ``open_items`` are the approved/invoiced commissions and clawbacks not yet paid;
    ``already_paid_minor`` is what the paid commissions add up to. ``covered_minor`` is
    everything paid out plus everything clawed back: a clawback is money the reseller already
    had, so it covers earnings the same way a payout does. A commission is paid once the paid
    commissions plus it and every older open one are covered; every open clawback is settled
    with the payout it was set against.
    """
    to_pay: list[Commission] = []
    running = already_paid_minor
    earned = sorted(
        (c for c in open_items if c.kind is not CommissionKind.CLAWBACK and c.status in OPEN_EARNED),
        key=lambda c: (c.created_at, c.id),
    )
    for c in earned:
        running += c.amount_minor
        if running > covered_minor:
            break
        to_pay.append(c)
    to_pay.extend(c for c in open_items if c.kind is CommissionKind.CLAWBACK and c.status in OPEN_EARNED)
    return to_pay


OPEN_EARNED = frozenset({CommissionStatus.APPROVED, CommissionStatus.INVOICED})
