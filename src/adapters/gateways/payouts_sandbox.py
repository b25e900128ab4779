"""The sandbox payout gateway: deterministic, no network, for development and tests.

A destination containing "fail" is refused by the "bank"; one containing "pending" stays in
flight (the caller retries later); anything else is paid. The payout id is the idempotency
key, so the same instruction sent twice gets the same reference.
"""

from __future__ import annotations

import hashlib

from application.earnings.ports import PayoutInstruction, PayoutResult


class SandboxPayoutGateway:
    def send(self, instruction: PayoutInstruction) -> PayoutResult:
        destination = instruction.destination.lower()
        if "fail" in destination:
            return PayoutResult(status="failed", failure_reason="Sandbox: the beneficiary bank rejected the transfer")
        if "pending" in destination:
            return PayoutResult(status="pending")
        digest = hashlib.sha256(f"payout:{instruction.payout_id}".encode()).hexdigest()[:16]
        return PayoutResult(status="completed", reference=f"sbx_po_{digest}")
