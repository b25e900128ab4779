"""Refunds: full or partial, several partials up to what was captured, through the gateway."""

from __future__ import annotations

from dataclasses import dataclass

from application.payments.access import visible_payment
from application.payments.payments import PaymentsDeps
from application.payments.ports import PaymentsUnitOfWork, RefundFilter, RefundRepository, RefundRequest
from application.payments.publishing import publish_changes
from application.shared.errors import Conflict, NotFound, Unavailable
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.payment import REFUNDABLE_STATUSES
from domain.payments.refund import Refund
from domain.shared.errors import InvalidValue
from domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class CreateRefund:
    payment_id: str
    amount: str | None = None
    reason: str = ""


def refund_create(
    *, uow: PaymentsUnitOfWork, principal: Principal, command: CreateRefund, deps: PaymentsDeps
) -> Refund:
    with uow:
        # Locking the payment serialises refunds of one payment: the second sees what the first took.
        payment = uow.payments.get_for_update(command.payment_id)
        order = uow.orders.get_for_update(str(payment.order_id)) if payment else None
        visible_payment(principal, payment, order)
        if payment is None or order is None:  # visible_payment already raised; this narrows the types
            raise NotFound("No such payment")
        if principal.user_id != order.seller_id and not principal.is_admin:
            raise NotFound("No such payment")
        if payment.status not in REFUNDABLE_STATUSES:
            raise Conflict(f"A {payment.status.value} payment cannot be refunded", code="payment_not_refundable")
        remaining = payment.refundable_amount()
        amount = Money.parse(command.amount, payment.amount.currency) if command.amount is not None else remaining
        if not amount.is_positive():
            raise InvalidValue("Refund amount must be positive", code="invalid_amount", field="amount")
        if remaining < amount:
            raise InvalidValue(
                f"Only {remaining.to_decimal_string()} {remaining.currency} is left to refund",
                code="refund_exceeds_captured",
                field="amount",
            )
        now = deps.clock.now()
        refund = Refund.create(
            payment_id=payment.id,
            order_id=order.id,
            seller_id=order.seller_id,
            amount=amount,
            now=now,
            reason=command.reason,
            livemode=payment.livemode,
        )
        gateway = deps.gateways.get(payment.method.value)
        if gateway is None:
            raise Unavailable(f"The {payment.method.value} gateway is not configured", code="gateway_unavailable")
        result = gateway.refund(
            RefundRequest(
                refund_id=str(refund.id),
                payment_id=str(payment.id),
                order_id=str(order.id),
                gateway_reference=payment.gateway_reference,
                amount=amount,
                reason=command.reason,
            )
        )
        if result.status == "failed":
            raise Conflict(result.failure_message or "The gateway refused the refund", code="refund_failed")
        # Accepted refunds (succeeded or pending at the gateway) are counted at once, so a second
        # refund can never take the same money.
        payment.refund(amount, now)
        order.record_refund(amount, now)
        if result.status == "succeeded":
            refund.succeed(now, result.reference)
        else:
            refund.gateway_reference = result.reference
        uow.refunds.add(refund)
        uow.payments.save(payment)
        uow.orders.save(order)
        uow.stats.record(
            seller_id=order.seller_id, day=now.date(), currency=amount.currency, refunds=1, refunded_minor=amount.minor
        )
        publish_changes(uow, deps.publish, order=order, payment=payment, refund=refund)
    return refund


def refund_get(*, uow: PaymentsUnitOfWork, principal: Principal, refund_id: str) -> Refund:
    refund = uow.refunds.get(refund_id)
    if refund is None or not (principal.is_admin or refund.seller_id == principal.user_id):
        raise NotFound("No such refund")
    return refund


def refunds_list(
    *, refunds: RefundRepository, principal: Principal, filters: RefundFilter, page: PageRequest
) -> Page[Refund]:
    if not principal.is_admin:
        filters = RefundFilter(seller_id=principal.user_id, payment_id=filters.payment_id)
    return refunds.list(filters, page)
