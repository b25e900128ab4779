"""The built-in card processor: deterministic test cards, no network, never random.

Behaviour per test card lives in ``domain.payments.sandbox_cards``; this adapter turns it
into gateway results. The "pending" card settles when reconciliation asks about it.

Like a real acquirer it is idempotent on our ids: references are derived from the payment id
(start) and the refund id (refund), and it remembers in this process what it answered for each
payment, so recovery can ask "what happened to payment X?". After a restart it has no record (the
sandbox keeps no books), which recovery treats as "nothing was charged" — true of a sandbox.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from application.gateways.providers import ProviderRole
from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from domain.payments.sandbox_cards import sandbox_outcome
from domain.shared.money import Money

REFERENCE_PREFIX = "sbx_"
ANSWERS_KEPT = 100_000


def _derived(kind: str, our_id: str, size: int = 24) -> str:
    return hashlib.sha256(f"{kind}:{our_id}".encode()).hexdigest()[:size]


class SandboxCardGateway:
    """The ``card`` method (no real acquirer exists yet): payments, captures and refunds, nothing more."""

    method = "card"
    roles: frozenset[ProviderRole] = frozenset()

    def __init__(self, *, sleep: bool = True) -> None:
        self._sleep = sleep
        # What this processor answered per payment id (its "books" while the process lives), the most
        # recent ANSWERS_KEPT of them: recovery asks within minutes, never about last month's charges.
        self._answers: OrderedDict[str, GatewayResult] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, request: GatewayRequest) -> GatewayResult:
        with self._lock:
            known = self._answers.get(request.payment_id)
        if known is not None:
            return known  # the same payment id again: the same charge, not a second one
        result = self._charge(request)
        with self._lock:
            self._answers[request.payment_id] = result
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return result

    def _charge(self, request: GatewayRequest) -> GatewayResult:
        if request.card is None:
            return GatewayResult(status="failed", failure_code="card_required", failure_message="No card given")
        outcome = sandbox_outcome(request.card.number)
        if outcome.delay_seconds and self._sleep:
            time.sleep(outcome.delay_seconds)
        if outcome.kind == "pending":
            reference = (
                f"{REFERENCE_PREFIX}pending-{outcome.settles_as or 'approve'}_{_derived('ch', request.payment_id, 16)}"
            )
            return GatewayResult(status="pending", reference=reference, failure_code=outcome.code)
        reference = f"{REFERENCE_PREFIX}{_derived('ch', request.payment_id)}"
        if outcome.kind in {"decline", "error"}:
            return GatewayResult(
                status="failed",
                reference=reference,
                failure_code=outcome.code,
                failure_message=outcome.message,
                retryable=outcome.retryable,
            )
        return GatewayResult(status="captured" if request.capture else "authorized", reference=reference)

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="captured", reference=reference)

    def cancel(self, *, payment_id: str, reference: str) -> GatewayResult:
        """Voids an authorisation (or forgets a pending charge)."""
        return GatewayResult(status="cancelled", reference=reference)

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(
            status="succeeded", reference=f"{REFERENCE_PREFIX}re_{_derived('re', request.refund_id, 20)}"
        )

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        if not reference:
            with self._lock:
                known = self._answers.get(payment_id)
            if known is None:
                return GatewayResult(status="not_found", failure_message="The sandbox processor has no such charge")
            if known.status != "pending":
                return known
            reference = known.reference
        if reference.startswith(f"{REFERENCE_PREFIX}pending-"):
            settles_as = reference[len(REFERENCE_PREFIX) + len("pending-") :].split("_", 1)[0]
            if settles_as == "approve":
                return GatewayResult(status="captured", reference=reference)
            return GatewayResult(
                status="failed", reference=reference, failure_code="card_declined", failure_message="Declined"
            )
        return GatewayResult(status="pending", reference=reference)
