"""Reconciliation: pending gateway payments nobody told us about are asked about, then settled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from application.payments.payments import PaymentsDeps, payment_settle
from application.payments.ports import PaymentRepository, PaymentsUnitOfWork
from domain.payments.payment import PaymentMethod, PaymentStatus

RECONCILED_METHODS = [PaymentMethod.CARD, PaymentMethod.CASHFREE, PaymentMethod.SSLCOMMERZ]


def payments_reconcile(
    *,
    payments: PaymentRepository,
    new_uow: Callable[[], PaymentsUnitOfWork],
    deps: PaymentsDeps,
    older_than: timedelta,
    limit: int = 200,
) -> dict[str, int]:
    """Returns counts by outcome. Each payment is settled in its own transaction."""
    counts = {"checked": 0, "settled": 0, "still_pending": 0, "errors": 0}
    cutoff = deps.clock.now() - older_than
    for payment_id in payments.pending_ids(older_than=cutoff, methods=RECONCILED_METHODS, limit=limit):
        payment = payments.get(payment_id)
        if payment is None or payment.status is not PaymentStatus.PENDING:
            continue
        gateway = deps.gateways.get(payment.method.value)
        if gateway is None:
            continue
        counts["checked"] += 1
        result = gateway.fetch_status(
            payment_id=str(payment.id),
            order_id=str(payment.order_id),
            reference=payment.gateway_reference,
            amount=payment.amount,
        )
        if result.status == "pending":
            counts["still_pending"] += 1
            continue
        if result.status == "error":
            counts["errors"] += 1
            continue
        payment_settle(uow=new_uow(), payment_id=str(payment.id), result=result, deps=deps)
        counts["settled"] += 1
    return counts
