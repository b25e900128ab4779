"""JSON-ready views of orders, payments and refunds: the API's shapes, reused in event payloads."""

from __future__ import annotations

from typing import Any

from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def order_view(order: Order) -> dict[str, Any]:
    return {
        "id": str(order.id),
        "object": "order",
        "kind": order.kind.value,
        "seller_id": order.seller_id,
        "buyer_id": order.buyer_id,
        "amount": order.amount.to_decimal_string(),
        "amount_refunded": order.amount_refunded.to_decimal_string(),
        "currency": order.amount.currency,
        "status": order.status.value,
        "description": order.description,
        "reference": order.reference,
        "metadata": order.metadata,
        "expires_at": _iso(order.expires_at),
        "created_at": _iso(order.created_at),
        "updated_at": _iso(order.updated_at),
    }


def payment_view(payment: Payment) -> dict[str, Any]:
    card = None
    if payment.card is not None:
        card = {
            "brand": payment.card.brand.value,
            "last4": payment.card.last4,
            "exp_month": payment.card.exp_month,
            "exp_year": payment.card.exp_year,
        }
    return {
        "id": str(payment.id),
        "object": "payment",
        "order_id": str(payment.order_id),
        "amount": payment.amount.to_decimal_string(),
        "amount_captured": payment.amount_captured.to_decimal_string(),
        "amount_refunded": payment.amount_refunded.to_decimal_string(),
        "currency": payment.amount.currency,
        "method": payment.method.value,
        "status": payment.status.value,
        "card": card,
        "amount_refund_pending": payment.reserved_for_refunds().to_decimal_string(),
        "attempts": [dict(a) for a in payment.attempts],
        "next_check_at": _iso(payment.next_check_at),
        "gateway_reference": payment.gateway_reference or None,
        "redirect_url": payment.redirect_url,
        "checkout": payment.gateway_data.get("checkout") or None,
        "failure_code": payment.failure_code or None,
        "failure_message": payment.failure_message or None,
        "livemode": payment.livemode,
        "created_at": _iso(payment.created_at),
        "updated_at": _iso(payment.updated_at),
    }


def refund_view(refund: Refund) -> dict[str, Any]:
    return {
        "id": str(refund.id),
        "object": "refund",
        "payment_id": str(refund.payment_id),
        "order_id": str(refund.order_id),
        "amount": refund.amount.to_decimal_string(),
        "currency": refund.amount.currency,
        "status": refund.status.value,
        "kind": refund.kind.value,
        "reason": refund.reason,
        "gateway_reference": refund.gateway_reference or None,
        "failure_message": refund.failure_message or None,
        "reversed": refund.reversed,
        "accepted_at": _iso(refund.accepted_at),
        "livemode": refund.livemode,
        "created_at": _iso(refund.created_at),
        "updated_at": _iso(refund.updated_at),
    }
