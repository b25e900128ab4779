"""Reconciliation: payments whose next check is due are asked about, one at a time, outside transactions.

Every unsettled payment carries ``next_check_at``; the job takes the ones due, soonest first, so a
pile of abandoned checkouts (which back off to hourly checks) can never starve a payment whose
webhook was lost a minute ago. Per payment:

- an intent whose start answer was never applied (a crash or hang between phases): the provider
  is asked by our payment id; if it has no record, a hosted checkout's start is sent again with the
  same idempotency key, a card payment fails (no card data is kept to send it again);
- a capture requested but never answered: the capture is sent again (same idempotency key);
- a pending checkout: the provider is asked; nothing final means ask again later (doubling
  interval), and a checkout past its expiry (plus grace) that the provider still calls open ends
  ``expired`` (releasing marketplace stock).

Also here: merchant orders past ``expires_at`` expire, and providers are told to stop taking money
for orders we cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from application.payments.deps import PaymentsDeps
from application.payments.orders import order_expire_if_abandoned
from application.payments.payments import (
    CAPTURE_REQUESTED,
    is_past_checkout,
    payment_capture_apply,
    payment_check_reschedule,
    payment_settle,
    payment_start_apply,
    start_request_for_recovery,
)
from application.payments.ports import GatewayResult, PaymentsUnitOfWork
from domain.payments.order import OrderKind
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus

NO_RECORD = GatewayResult(
    status="failed",
    failure_code="processor_no_record",
    failure_message="The processor has no record of this payment; nothing was charged",
)


def payments_reconcile(
    *, uow: PaymentsUnitOfWork, deps: PaymentsDeps, limit: int = 200, horizon: timedelta = timedelta(0)
) -> dict[str, int]:
    """Returns counts by outcome. Each payment is settled in its own transaction."""
    counts = {"checked": 0, "settled": 0, "still_pending": 0, "expired": 0, "recovered": 0, "errors": 0}
    now = deps.clock.now()
    for payment_id in uow.payments.due_for_check(now=now + horizon, limit=limit):
        payment = uow.payments.get(payment_id)
        if payment is None:
            continue
        gateway = deps.gateways.get(payment.method.value)
        if gateway is None or payment.status not in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            payment_check_reschedule(uow=uow, payment_id=payment_id, deps=deps, expire=False)
            continue
        counts["checked"] += 1
        if payment.awaits_start_answer():
            counts[_recover_start(uow, deps, payment)] += 1
        elif payment.status is PaymentStatus.AUTHORIZED:
            if CAPTURE_REQUESTED in payment.gateway_data:
                result = gateway.capture(reference=payment.gateway_reference, amount=payment.amount)
                payment_capture_apply(uow=uow, payment_id=payment_id, result=result, deps=deps)
                counts["recovered"] += 1
            else:
                payment_check_reschedule(uow=uow, payment_id=payment_id, deps=deps, expire=False)
        else:
            counts[_check_pending(uow, deps, payment)] += 1
    return counts


def _ask(deps: PaymentsDeps, payment: Payment) -> GatewayResult:
    gateway = deps.gateways[payment.method.value]
    return gateway.fetch_status(
        payment_id=str(payment.id),
        order_id=str(payment.order_id),
        reference=payment.gateway_reference,
        amount=payment.amount,
    )


def _recover_start(uow: PaymentsUnitOfWork, deps: PaymentsDeps, payment: Payment) -> str:
    payment_id = str(payment.id)
    if payment.method is PaymentMethod.BANK_TRANSFER:
        # Nothing to ask: the payer's transfer is confirmed by an admin. The intent is simply started.
        payment_start_apply(
            uow=uow,
            payment_id=payment_id,
            result=GatewayResult(status="pending", reference=payment.gateway_reference),
            deps=deps,
        )
        return "recovered"
    result = _ask(deps, payment)
    if result.status == "not_found":
        order = uow.orders.get(str(payment.order_id))
        request = start_request_for_recovery(payment, order, deps) if order is not None else None
        result = deps.gateways[payment.method.value].start(request) if request is not None else NO_RECORD
    if result.status == "error":
        payment_check_reschedule(uow=uow, payment_id=payment_id, deps=deps, expire=False)
        return "errors"
    payment_start_apply(uow=uow, payment_id=payment_id, result=result, deps=deps)
    return "recovered"


def _check_pending(uow: PaymentsUnitOfWork, deps: PaymentsDeps, payment: Payment) -> str:
    payment_id = str(payment.id)
    result = _ask(deps, payment)
    if result.status in {"pending", "error", "not_found", "attempt_failed"}:
        expire = result.status != "error" and is_past_checkout(payment, deps.clock.now(), deps.checks.expiry_grace)
        payment_check_reschedule(uow=uow, payment_id=payment_id, deps=deps, expire=expire)
        if expire:
            return "expired"
        return "errors" if result.status == "error" else "still_pending"
    payment_settle(uow=uow, payment_id=payment_id, result=result, deps=deps)
    return "settled"


def orders_expire(*, uow: PaymentsUnitOfWork, deps: PaymentsDeps, limit: int = 500) -> int:
    """Merchant and distributor orders past ``expires_at`` that nobody paid (marketplace orders expire
    with their stock reservation, in the marketplace context)."""
    expired = 0
    now = deps.clock.now()
    for kind in (OrderKind.MERCHANT, OrderKind.DISTRIBUTOR):
        for order_id in uow.orders.expired_open_ids(now=now, kind=kind.value, limit=limit):
            if order_expire_if_abandoned(uow=uow, order_id=order_id, clock=deps.clock):
                expired += 1
    return expired


def payment_cancel_at_provider(*, uow: PaymentsUnitOfWork, payment_id: str, deps: PaymentsDeps) -> str:
    """Outbox job after an order is cancelled: the provider stops taking money for this payment.

    Phase 2 (the provider call) runs here, outside any transaction; phase 3 applies the answer. A
    provider that cannot cancel (already paid) answers so, and the money, if any, arrives as news
    that ``payment_settle`` returns automatically.
    """
    payment = uow.payments.get(payment_id)
    if payment is None or payment.status not in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
        return "nothing_to_cancel"
    gateway = deps.gateways.get(payment.method.value)
    if gateway is None:
        return "no_gateway"
    result = gateway.cancel(payment_id=payment_id, reference=payment.gateway_reference)
    if result.status == "cancelled":
        payment_settle(uow=uow, payment_id=payment_id, result=result, deps=deps)
    return result.status
