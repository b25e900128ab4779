"""Refunds: full or partial, several partials up to what was captured, through the gateway, in phases.

1. ``refund_create`` validates everything (who asks, the order's and payment's state, what is left)
   and records the intent in its own transaction, reserving the amount on the payment, so two
   concurrent refunds can never take the same money. Nothing is sent when this refuses.
2. ``refund_submit`` calls the provider outside any transaction or row lock, with the refund's id as
   the provider's idempotency key (Cashfree ``refund_id`` / ``x-idempotency-key``, SSLCommerz
   ``refe_id``): sending it again after a crash is the same refund, never a second one.
3. ``refund_apply`` applies the provider's answer in a new transaction: accepted (pending or
   succeeded) counts the amount as refunded on the payment, order and stats and publishes
   ``payment.refunded``; failed gives the reservation back. Later news (webhook, poll, an admin's
   confirmation of a bank transfer) goes through ``refund_apply`` too; a failure after acceptance
   reverses everything and publishes ``refund.failed``.

``refunds_recover`` re-drives intents a crash left between phases 1 and 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.payments.access import visible_payment
from application.payments.deps import PaymentsDeps
from application.payments.ports import PaymentsUnitOfWork, RefundFilter, RefundRepository, RefundRequest
from application.shared.access import may_see, owned_or_404, require_admin
from application.shared.errors import Conflict, InvalidInput, NotFound, Unavailable
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.alert import Alert
from domain.payments.payment import REFUNDABLE_STATUSES, Payment, PaymentMethod
from domain.payments.refund import Refund, RefundKind, RefundStatus
from domain.shared.errors import InvalidValue
from domain.shared.ids import intent_id
from domain.shared.money import Money

# Provider answers, in our words (RefundResult.status).
ACCEPTED = {"succeeded", "pending"}


@dataclass(frozen=True, slots=True)
class CreateRefund:
    payment_id: str
    amount: str | None = None
    reason: str = ""
    # The caller's Idempotency-Key (scoped): a retry names the same refund and resumes it.
    intent_key: str | None = None


def refund_create(
    *, uow: PaymentsUnitOfWork, principal: Principal, command: CreateRefund, deps: PaymentsDeps
) -> Refund:
    refund, payment = _record_intent(uow, principal, command, deps)
    if refund.is_requested:
        # Phase 1 just committed both: phases 2 and 3 start from them rather than reading them back.
        refund = _submit(uow, refund, payment, deps)
    if refund.status is RefundStatus.FAILED and not refund.reversed:
        raise Conflict(
            f"{refund.failure_message or 'The gateway refused the refund'} (refund {refund.id})", code="refund_failed"
        )
    return refund


def _record_intent(
    uow: PaymentsUnitOfWork, principal: Principal, command: CreateRefund, deps: PaymentsDeps
) -> tuple[Refund, Payment]:
    """Phase 1: every check that can be made here, then the intent and its reservation, committed."""
    refund_id = intent_id(command.intent_key)
    with uow:
        # The payment lock serialises phase 1 of concurrent refunds: the second sees the first's reservation
        # (and, for the same intent, the first's refund).
        payment = uow.payments.get_for_update(command.payment_id)
        order = uow.orders.get_for_update(str(payment.order_id)) if payment else None
        visible_payment(principal, payment, order)
        if payment is None or order is None:  # visible_payment already raised; this narrows the types
            raise NotFound("No such payment")
        if not may_see(principal, order.seller_id):  # a buyer sees the payment but does not refund it
            raise NotFound("No such payment")
        if command.intent_key:
            existing = uow.refunds.get(str(refund_id))
            if existing is not None and existing.payment_id == payment.id:
                return existing, payment  # a retry of the same request: resume, never a second refund
        if deps.gateways.get(payment.method.value) is None:
            raise Unavailable(f"The {payment.method.value} gateway is not configured", code="gateway_unavailable")
        if payment.status not in REFUNDABLE_STATUSES:
            raise Conflict(f"A {payment.status.value} payment cannot be refunded", code="payment_not_refundable")
        if not order.is_refundable():
            raise Conflict(f"An order that is {order.status.value} cannot be refunded", code="order_not_refundable")
        remaining = payment.refundable_amount()
        amount = Money.parse(command.amount, payment.amount.currency) if command.amount is not None else remaining
        if not amount.is_positive():
            if command.amount is None:
                raise InvalidValue(
                    "Nothing is left to refund on this payment", code="refund_exceeds_captured", field="amount"
                )
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")
        now = deps.clock.now()
        payment.reserve_refund(amount, now)  # raises refund_exceeds_captured
        refund = Refund.create(
            id=refund_id,
            payment_id=payment.id,
            order_id=order.id,
            seller_id=order.seller_id,
            amount=amount,
            now=now,
            reason=command.reason,
            livemode=payment.livemode,
        )
        uow.refunds.add(refund)
        uow.payments.save(payment)
    return refund, payment


def refund_submit(*, uow: PaymentsUnitOfWork, refund_id: str, deps: PaymentsDeps) -> Refund:
    """Phases 2 and 3: ask the provider (no transaction is open here), then apply its answer."""
    refund = uow.refunds.get(refund_id)
    if refund is None:
        raise NotFound("No such refund")
    if not refund.is_requested:
        return refund  # answered already (by another worker, the recovery job or a webhook)
    payment = uow.payments.get(str(refund.payment_id))
    if payment is None:
        raise NotFound("No such payment")
    return _submit(uow, refund, payment, deps)


def _submit(uow: PaymentsUnitOfWork, refund: Refund, payment: Payment, deps: PaymentsDeps) -> Refund:
    """Phases 2 and 3 of a requested refund of ``payment``."""
    gateway = deps.gateways.get(payment.method.value)
    if gateway is None:
        return refund  # stays requested; recovery tries again once the gateway is configured
    reference = str(payment.gateway_data.get("refund_reference") or payment.gateway_reference)
    result = gateway.refund(
        RefundRequest(
            refund_id=str(refund.id),
            payment_id=str(payment.id),
            order_id=str(refund.order_id),
            gateway_reference=reference,
            amount=refund.amount,
            reason=refund.reason,
        )
    )
    return refund_apply(
        uow=uow,
        refund_id=str(refund.id),
        status=result.status,
        reference=result.reference,
        message=result.failure_message,
        deps=deps,
        known=refund,
    )


def refund_apply(
    *,
    uow: PaymentsUnitOfWork,
    refund_id: str,
    status: str,
    reference: str,
    message: str,
    deps: PaymentsDeps,
    known: Refund | None = None,
) -> Refund:
    """Phase 3, and every later word from the provider: applied once, in one transaction.

    ``known`` is the refund as the caller last read it, if it has it: only its payment and order (which
    never change) are taken from it, to lock them before the refund itself.
    """
    if known is None or str(known.id) != refund_id:
        known = uow.refunds.get(refund_id)
    if known is None:
        raise NotFound("No such refund")
    with uow:
        # Lock order everywhere: payment, order, refund.
        payment = uow.payments.get_for_update(str(known.payment_id))
        order = uow.orders.get_for_update(str(known.order_id))
        refund = uow.refunds.get_for_update(str(known.id))
        if payment is None or order is None or refund is None:
            raise NotFound("No such refund")
        if refund.status is not RefundStatus.PENDING or status not in ACCEPTED | {"failed"}:
            return refund  # already final, or nothing final to apply
        now = deps.clock.now()
        counted = refund.kind is RefundKind.REFUND
        if status == "failed":
            if refund.is_requested:
                if counted:
                    payment.release_refund(refund.amount, now)
            elif counted:
                # Accepted, then failed: the money is the merchant's again, and every figure follows.
                payment.reverse_refund(refund.amount, now)
                order.reverse_refund(refund.amount, now)
                _count(uow, order.seller_id, refund, now=now, sign=-1)
            refund.fail(message or "The gateway did not complete the refund", now)
            if refund.reversed or not counted:
                # The merchant saw it accepted (or never asked, for a return): a person must know.
                uow.alerts.add(
                    Alert.raise_(
                        code="return_failed" if not counted else "refund_failed",
                        message=refund.failure_message,
                        seller_id=order.seller_id,
                        now=now,
                        payment_id=payment.id,
                        order_id=order.id,
                        refund_id=refund.id,
                        amount=refund.amount,
                        details={"reversed": refund.reversed},
                    )
                )
        else:
            if refund.is_requested:
                if counted:
                    payment.release_refund(refund.amount, now)
                    payment.refund(refund.amount, now)
                    order.record_refund(refund.amount, now)
                    _count(uow, order.seller_id, refund, now=now, sign=1)
                refund.accept(now, reference)
            if status == "succeeded":
                refund.succeed(now, reference)
        uow.refunds.save(refund)
        uow.payments.save(payment)
        uow.orders.save(order)
    return refund


def _count(uow: PaymentsUnitOfWork, seller_id: str, refund: Refund, *, now: datetime, sign: int) -> None:
    """The stats counters follow a refund the provider accepted (+1), and one it then failed (-1)."""
    uow.stats.record(
        seller_id=seller_id,
        day=now.date(),
        currency=refund.amount.currency,
        refunds=sign,
        refunded_minor=sign * refund.amount.minor,
    )


def refund_confirm(
    *, uow: PaymentsUnitOfWork, principal: Principal, refund_id: str, reference: str, deps: PaymentsDeps
) -> Refund:
    """An admin confirms a bank-transfer refund was sent, with the transfer's reference (UTR)."""
    require_admin(principal, message="Only admins confirm refunds")
    if not reference.strip():
        raise InvalidInput("The transfer reference is required", code="reference_required", field="reference")
    refund = uow.refunds.get(refund_id)
    if refund is None:
        raise NotFound("No such refund")
    payment = uow.payments.get(str(refund.payment_id))
    if payment is None or payment.method is not PaymentMethod.BANK_TRANSFER:
        raise Conflict("Only bank-transfer refunds are confirmed by hand", code="refund_not_confirmable")
    if refund.status is not RefundStatus.PENDING or refund.is_requested:
        raise Conflict(f"A {refund.status.value} refund cannot be confirmed", code="refund_not_confirmable")
    return refund_apply(
        uow=uow, refund_id=refund_id, status="succeeded", reference=reference.strip(), message="", deps=deps
    )


def refunds_recover(
    *, uow: PaymentsUnitOfWork, deps: PaymentsDeps, older_than: timedelta, limit: int = 100
) -> dict[str, int]:
    """Re-drives refund intents left between phases (a crash, a timeout) with the same provider key."""
    counts = {"checked": 0, "applied": 0, "still_requested": 0}
    cutoff = deps.clock.now() - older_than
    for refund_id in uow.refunds.requested_ids(older_than=cutoff, limit=limit):
        counts["checked"] += 1
        refund = refund_submit(uow=uow, refund_id=refund_id, deps=deps)
        counts["applied" if not refund.is_requested else "still_requested"] += 1
    return counts


def refund_get(*, uow: PaymentsUnitOfWork, principal: Principal, refund_id: str) -> Refund:
    return owned_or_404(uow.refunds.get(refund_id), principal, lambda found: found.seller_id, message="No such refund")


def refunds_list(
    *, refunds: RefundRepository, principal: Principal, filters: RefundFilter, page: PageRequest
) -> Page[Refund]:
    if not principal.is_admin:
        filters = RefundFilter(seller_id=principal.user_id, payment_id=filters.payment_id)
    return refunds.list(filters, page)
