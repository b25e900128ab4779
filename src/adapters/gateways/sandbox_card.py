"""The built-in card processor: deterministic test cards, no network, never random.

Behaviour per test card lives in ``domain.payments.sandbox_cards``; this adapter turns it
into gateway results. The "pending" card settles when reconciliation asks about it.
"""

from __future__ import annotations

import time
import uuid

from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from domain.payments.sandbox_cards import sandbox_outcome
from domain.shared.money import Money

REFERENCE_PREFIX = "sbx_"


class SandboxCardGateway:
    def __init__(self, *, sleep: bool = True) -> None:
        self._sleep = sleep
        # Which reference settles as what when reconciliation asks; kept in the reference itself
        # (sbx_<kind>_<id>) so any process can answer without shared memory.

    def start(self, request: GatewayRequest) -> GatewayResult:
        if request.card is None:
            return GatewayResult(status="failed", failure_code="card_required", failure_message="No card given")
        outcome = sandbox_outcome(request.card.number)
        if outcome.delay_seconds and self._sleep:
            time.sleep(outcome.delay_seconds)
        if outcome.kind == "pending":
            reference = f"{REFERENCE_PREFIX}pending-{outcome.settles_as or 'approve'}_{uuid.uuid4().hex[:16]}"
            return GatewayResult(status="pending", reference=reference, failure_code=outcome.code)
        reference = f"{REFERENCE_PREFIX}{uuid.uuid4().hex[:24]}"
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

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(status="succeeded", reference=f"{REFERENCE_PREFIX}re_{uuid.uuid4().hex[:20]}")

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        if reference.startswith(f"{REFERENCE_PREFIX}pending-"):
            settles_as = reference[len(REFERENCE_PREFIX) + len("pending-") :].split("_", 1)[0]
            if settles_as == "approve":
                return GatewayResult(status="captured", reference=reference)
            return GatewayResult(
                status="failed", reference=reference, failure_code="card_declined", failure_message="Declined"
            )
        return GatewayResult(status="pending", reference=reference)


class BankTransferGateway:
    """Money moves outside any processor: the payer's UTR is the reference; an admin confirms it."""

    def start(self, request: GatewayRequest) -> GatewayResult:
        return GatewayResult(status="pending", reference=request.reference)

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="captured", reference=reference)

    def refund(self, request: RefundRequest) -> RefundResult:
        # Returned by a manual transfer; recorded here so the books balance.
        return RefundResult(status="succeeded", reference=f"manual_{request.refund_id}")

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="pending", reference=reference)
