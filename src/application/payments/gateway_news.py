"""What hosted gateways (Cashfree, SSLCommerz) tell us beyond "paid" or "failed".

- A payment the provider flags as risky is held: it stays ``pending`` with ``gateway_data["risk_review"]``
  until an admin approves (captured) or rejects (failed) it.
- Admin-visible alerts (a mismatch, a refund the provider cancelled) are listed in the alerts table
  (``GET /api/v1/admin/alerts``); they change no status by themselves.
- Refund news settles a refund through ``refunds.refund_apply`` (a failure after acceptance reverses it).
"""

from __future__ import annotations

from typing import Any

from application.payments.deps import PaymentsDeps
from application.payments.payments import payment_settle
from application.payments.ports import GatewayResult, PaymentsUnitOfWork
from application.payments.refunds import refund_apply
from application.shared.access import require_admin
from application.shared.errors import Conflict, NotFound
from domain.identity.user import Principal
from domain.payments.alert import Alert
from domain.payments.payment import Payment, PaymentStatus
from domain.payments.refund import RefundStatus
from domain.shared.clock import Clock
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

RISK_REVIEW = "risk_review"


def _iso(clock: Clock) -> str:
    return clock.now().isoformat().replace("+00:00", "Z")


def payment_hold_for_review(
    *, uow: PaymentsUnitOfWork, payment_id: str, review: dict[str, Any], clock: Clock
) -> Payment | None:
    """Keeps a pending payment pending, marked for an admin's decision. A settled payment is left alone."""
    with uow:
        payment = uow.payments.get_for_update(payment_id)
        if payment is None or payment.status is not PaymentStatus.PENDING:
            return payment
        current = payment.gateway_data.get(RISK_REVIEW)
        if isinstance(current, dict) and current.get("status") in {"approved", "rejected"}:
            return payment  # an admin already decided; a redelivered IPN does not reopen the review
        payment.gateway_data[RISK_REVIEW] = {**review, "status": "pending", "held_at": _iso(clock)}
        payment.updated_at = clock.now()
        uow.payments.save(payment)
    return payment


def payment_review_decide(
    *,
    uow: PaymentsUnitOfWork,
    settle_uow: PaymentsUnitOfWork,
    principal: Principal,
    payment_id: str,
    approve: bool,
    note: str,
    deps: PaymentsDeps,
) -> Payment:
    """An admin releases (captures) or rejects (fails) a payment held for risk review."""
    require_admin(principal, message="Only admins decide risk reviews")
    with uow:
        payment = uow.payments.get_for_update(payment_id)
        if payment is None:
            raise NotFound("No such payment")
        review = payment.gateway_data.get(RISK_REVIEW)
        if (
            payment.status is not PaymentStatus.PENDING
            or not isinstance(review, dict)
            or review.get("status") != "pending"
        ):
            raise Conflict("This payment is not waiting for a risk review", code="no_review_pending")
        decided = {
            **review,
            "status": "approved" if approve else "rejected",
            "decided_by": principal.user_id,
            "decided_at": _iso(deps.clock),
            "note": note,
        }
        payment.gateway_data[RISK_REVIEW] = decided
        uow.payments.save(payment)
        if approve:
            try:
                amount = Money.parse(str(review.get("amount", "")), str(review.get("currency", "")))
            except InvalidValue:
                raise Conflict("The held review has no usable amount", code="no_review_pending") from None
            result = GatewayResult(
                status="captured", reference=str(review.get("reference") or payment.gateway_reference), amount=amount
            )
        else:
            result = GatewayResult(
                status="failed",
                reference=payment.gateway_reference,
                failure_code="risk_rejected",
                failure_message=note or "Rejected after risk review",
            )
        # Nested in this transaction: the decision and its effect commit together.
        settled = payment_settle(uow=settle_uow, payment_id=payment_id, result=result, deps=deps)
    if settled is None:
        raise NotFound("No such payment")
    return settled


def payment_alert(*, uow: PaymentsUnitOfWork, payment_id: str, alert: dict[str, Any], clock: Clock) -> None:
    """Lists what a provider told us that needs an admin (``GET /api/v1/admin/alerts``)."""
    with uow:
        payment = uow.payments.get(payment_id)
        if payment is None:
            return
        details = {k: v for k, v in alert.items() if k not in {"code", "message"}}
        uow.alerts.add(
            Alert.raise_(
                code=str(alert.get("code") or "gateway_alert"),
                message=str(alert.get("message") or alert.get("code") or "The gateway reported a problem"),
                seller_id=payment.seller_id,
                now=clock.now(),
                payment_id=payment.id,
                order_id=payment.order_id,
                details=details,
            )
        )


def refund_settle(
    *,
    uow: PaymentsUnitOfWork,
    payment_id: str,
    refund_id: str,
    status: str,
    reference: str,
    message: str,
    amount: Money | None,
    deps: PaymentsDeps,
) -> str:
    """Applies a gateway's word on a refund (webhook or poll); returns what happened, for the event log."""
    refund = uow.refunds.get(refund_id)
    if refund is None or str(refund.payment_id) != payment_id:
        return "unknown_refund"
    if amount is not None and amount != refund.amount:
        return "refund_amount_mismatch"
    if refund.status is not RefundStatus.PENDING:
        return f"refund_already_{refund.status.value}"
    if status not in {"succeeded", "failed"}:
        return "refund_pending"
    settled = refund_apply(uow=uow, refund_id=refund_id, status=status, reference=reference, message=message, deps=deps)
    return f"refund_{settled.status.value}"
