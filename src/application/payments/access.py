"""Who may see or act on an order or payment. Anything not yours is "not found", so ids don't leak."""

from __future__ import annotations

from application.shared.access import may_see
from application.shared.errors import NotFound
from domain.identity.user import Principal
from domain.payments.order import Order
from domain.payments.payment import Payment


def can_see_order(principal: Principal, order: Order) -> bool:
    return may_see(principal, order.seller_id, order.buyer_id)


def visible_order(principal: Principal, order: Order | None) -> Order:
    if order is None or not can_see_order(principal, order):
        raise NotFound("No such order")
    return order


def visible_payment(principal: Principal, payment: Payment | None, order: Order | None) -> Payment:
    if payment is None or order is None or not can_see_order(principal, order):
        raise NotFound("No such payment")
    return payment
