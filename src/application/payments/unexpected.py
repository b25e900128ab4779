"""Unexpected money is returned: a provider took money on a payment we closed (failed, cancelled,
expired), on an order another payment already paid or that was cancelled or expired, or in an
amount we did not ask for.

In the transaction that learns of it: the payment is closed (or stays closed) with the reason, a
``return`` refund intent is recorded, an admin alert is raised and ``payment.unexpected_capture``
is published; the return itself is sent by an outbox job (phases 2 and 3 of ``refunds.py``), so the
provider is never called inside this transaction and a crash only delays it.
"""

from __future__ import annotations

from datetime import datetime

from application.payments.deps import PaymentsDeps
from application.payments.ports import GatewayResult, PaymentsUnitOfWork
from domain.payments.alert import Alert
from domain.payments.order import Order
from domain.payments.payment import Payment, PaymentStatus
from domain.payments.refund import Refund, RefundKind
from domain.shared.ids import intent_id

RETURN_TOPIC = "payments.return.submit"


def return_unexpected_money(
    uow: PaymentsUnitOfWork,
    deps: PaymentsDeps,
    order: Order,
    payment: Payment,
    result: GatewayResult,
    *,
    code: str,
    message: str,
    now: datetime,
) -> Refund | None:
    """Records the return of what the provider took; None when this payment's return already exists."""
    amount = result.amount or payment.amount
    if payment.status in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
        payment.fail(code, message, now)
        if order.status.value == "created":
            order.mark_failed(now)
    refund_id = intent_id(f"return:{payment.id}")
    if uow.refunds.get(str(refund_id)) is not None:
        return None  # a redelivered report of the same capture: already being returned
    payment.note_unexpected_capture(amount=amount, code=code, reference=result.reference, now=now)
    if result.reference:
        # What the provider needs to refund this capture (SSLCommerz: bank_tran_id).
        payment.gateway_data["refund_reference"] = result.reference
    refund = Refund.create(
        id=refund_id,
        kind=RefundKind.RETURN,
        livemode=payment.livemode,
        payment_id=payment.id,
        order_id=order.id,
        seller_id=order.seller_id,
        amount=amount,
        now=now,
        reason=f"Automatic return: {message}"[:500],
    )
    uow.refunds.add(refund)
    uow.alerts.add(
        Alert.raise_(
            code=code,
            message=f"{message}; the money is being returned automatically",
            seller_id=order.seller_id,
            now=now,
            payment_id=payment.id,
            order_id=order.id,
            refund_id=refund.id,
            amount=amount,
            details={"provider_reference": result.reference, "order_status": order.status.value},
        )
    )
    uow.outbox.add(RETURN_TOPIC, {"refund_id": str(refund.id)}, dedupe_key=f"{RETURN_TOPIC}:{refund.id}")
    return refund
