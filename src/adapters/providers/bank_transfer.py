"""Bank transfer: real money moved by people, confirmed by an admin; always live.

No provider is asked anything: the payer's transfer reference (UTR) is the payment's reference, and
refunds wait for an admin to confirm the transfer back (``POST /api/v1/refunds/{id}/confirm``).
"""

from __future__ import annotations

from application.gateways.providers import ProviderRole
from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from domain.shared.money import Money


class BankTransferGateway:
    """Money moves outside any processor: the payer's UTR is the reference; an admin confirms it."""

    method = "bank_transfer"
    roles: frozenset[ProviderRole] = frozenset()

    def start(self, request: GatewayRequest) -> GatewayResult:
        return GatewayResult(status="pending", reference=request.reference)

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="captured", reference=reference)

    def cancel(self, *, payment_id: str, reference: str) -> GatewayResult:
        return GatewayResult(status="cancelled", reference=reference)

    def refund(self, request: RefundRequest) -> RefundResult:
        # Someone must send the money back by bank transfer: the refund stays pending until an admin
        # confirms it with the transfer's reference (POST /api/v1/refunds/{id}/confirm).
        return RefundResult(status="pending")

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="pending", reference=reference)
