"""The gateways context's ``PaymentEffects``, served by the payments context.

Each effect runs one payments use case in a unit of work of its own, nested in the caller's
transaction when there is one, so an inbound event's status and its effect commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from adapters.django_orm.gateways.repository import pending_gateway_refunds
from application.gateways.ports import ExpectedPayment, PendingRefund, RefundNews, Settled
from application.payments.ports import GatewayResult
from application.payments.services import PaymentsServices

log = structlog.get_logger("partnerpay.gateways")


class PaymentServicesEffects:
    def __init__(self, payments: PaymentsServices) -> None:
        self._payments = payments

    def expected(self, payment_id: str) -> ExpectedPayment | None:
        payment = self._payments.payments.get(payment_id)
        if payment is None:
            return None
        return ExpectedPayment(payment_id=str(payment.id), amount=payment.amount, status=payment.status.value)

    def settle(self, payment_id: str, result: GatewayResult) -> Settled:
        payment = self._payments.payment_settle(payment_id=payment_id, result=result)
        if payment is None:
            return Settled("missing")
        unexpected = payment.gateway_data.get("unexpected_capture")
        returned = (
            str(unexpected.get("code") or "") if isinstance(unexpected, dict) and result.status == "captured" else ""
        )
        return Settled(payment.status.value, payment.failure_code, returned=returned)

    def hold(self, payment_id: str, review: dict[str, Any]) -> Settled:
        payment = self._payments.payment_hold_for_review(payment_id=payment_id, review=review)
        return Settled(payment.status.value if payment else "missing")

    def settle_refund(self, payment_id: str, news: RefundNews) -> str:
        return self._payments.refund_settle(
            payment_id=payment_id,
            refund_id=news.refund_id,
            status=news.status,
            reference=news.reference,
            message=news.message,
            amount=news.amount,
        )

    def alert(self, payment_id: str, alert: dict[str, Any]) -> None:
        log.warning("gateway_alert", payment_id=payment_id, **{k: v for k, v in alert.items() if k != "message"})
        self._payments.payment_alert(payment_id=payment_id, alert=alert)

    def pending_refunds(self, *, methods: Sequence[str], limit: int) -> Sequence[PendingRefund]:
        return pending_gateway_refunds(methods=methods, limit=limit)
