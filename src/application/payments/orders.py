"""Order use cases: what a buyer owes a seller."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from application.payments.access import visible_order
from application.payments.ports import EventPublisher, OrderFilter, OrderRepository, PaymentsUnitOfWork
from application.payments.publishing import publish_changes
from application.shared.errors import Conflict
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal, Role
from domain.payments.limits import DEFAULT_LIMITS, AmountLimits
from domain.payments.order import Order, OrderKind, OrderStatus
from domain.shared.clock import Clock
from domain.shared.money import Money

CANCELLABLE = {OrderStatus.CREATED, OrderStatus.FAILED}


@dataclass(frozen=True, slots=True)
class CreateOrder:
    amount: str
    currency: str = "INR"
    description: str = ""
    reference: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    buyer_id: str | None = None
    kind: OrderKind = OrderKind.MERCHANT
    expires_at: datetime | None = None


def order_create(
    *,
    uow: PaymentsUnitOfWork,
    seller_id: str,
    command: CreateOrder,
    clock: Clock,
    publish: EventPublisher,
    limits: AmountLimits = DEFAULT_LIMITS,
) -> Order:
    amount = limits.check(Money.parse(command.amount, command.currency))
    now = clock.now()
    order = Order.create(
        seller_id=seller_id,
        buyer_id=command.buyer_id,
        amount=amount,
        now=now,
        description=command.description,
        reference=command.reference,
        metadata=command.metadata,
        expires_at=command.expires_at,
        kind=command.kind,
    )
    with uow:
        uow.orders.add(order)
        uow.stats.record(seller_id=seller_id, day=now.date(), currency=amount.currency, orders=1)
        publish_changes(uow, publish, order=order)
    return order


def order_get(*, orders: OrderRepository, principal: Principal, order_id: str) -> Order:
    return visible_order(principal, orders.get(order_id))


def orders_list(
    *, orders: OrderRepository, principal: Principal, filters: OrderFilter, page: PageRequest
) -> Page[Order]:
    if not principal.is_admin:
        # Sellers see what they sell, everyone else what they buy.
        if principal.role in {Role.MERCHANT, Role.VENDOR}:
            filters = replace(filters, seller_id=principal.user_id, buyer_id=None)
        else:
            filters = replace(filters, buyer_id=principal.user_id, seller_id=None)
    return orders.list(filters, page)


def order_cancel(
    *, uow: PaymentsUnitOfWork, principal: Principal, order_id: str, clock: Clock, publish: EventPublisher
) -> Order:
    with uow:
        order = visible_order(principal, uow.orders.get_for_update(order_id))
        if order.status not in CANCELLABLE:
            raise Conflict(f"An order that is {order.status.value} cannot be cancelled", code="order_not_cancellable")
        now = clock.now()
        order.cancel(now)
        uow.orders.save(order)
        uow.stats.record(seller_id=order.seller_id, day=now.date(), currency=order.amount.currency, cancelled=1)
        publish_changes(uow, publish, order=order)
    return order
