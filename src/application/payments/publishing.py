"""Turning what the aggregates emitted into published events carrying the resources as they are.

A payment's event carries the payment and its order; ``payment.refunded`` also the refund that made
it; an order's event the order; a refund's news (``refund.succeeded`` / ``refund.failed`` /
``refund.returned``) the refund, its order and its payment. They are published in the order payments,
orders, refunds, each aggregate's in the order it emitted them, to the order's seller.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from application.payments.ports import PaymentsUnitOfWork
from application.payments.representations import order_view, payment_view, refund_view
from application.shared.errors import NotFound
from application.shared.publishing_unit_of_work import News
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from domain.shared.events import DomainEvent

Aggregate = Order | Payment | Refund
T = TypeVar("T", Order, Payment, Refund)


def payments_news(unit: PaymentsUnitOfWork, seen: Sequence[Aggregate]) -> News:
    """Every event the ``seen`` aggregates hold (they forget them), by seller, as published events."""
    # The last object read or saved under an id is that resource as this transaction leaves it.
    latest: dict[uuid.UUID, Any] = {item.id: item for item in seen}
    news: dict[str, list[DomainEvent]] = {}
    views: dict[uuid.UUID, dict[str, Any]] = {}

    def view(item: Aggregate) -> dict[str, Any]:
        # One view per resource per commit, however many events carry it (a capture moves payment and order).
        key = item.id
        found = views.get(key)
        if found is None:
            current = latest.get(key, item)
            found = views[key] = (
                payment_view(current)
                if isinstance(current, Payment)
                else order_view(current)
                if isinstance(current, Order)
                else refund_view(current)
            )
        return found

    def order_of(item: Payment | Refund) -> Order:
        found = latest.get(item.order_id)
        if not isinstance(found, Order):
            # Every path that changes a payment or refund holds its order; reading it keeps this honest.
            found = unit.orders.get(str(item.order_id))
            if found is None:
                raise NotFound("No such order")
            latest[found.id] = found
        return found

    def payment_of(refund: Refund) -> Payment | None:
        found = latest.get(refund.payment_id)
        return found if isinstance(found, Payment) else unit.payments.get(str(refund.payment_id))

    def refund_for(payment: Payment) -> Refund | None:
        return next((r for r in reversed(seen) if isinstance(r, Refund) and r.payment_id == payment.id), None)

    for payment in _each(seen, Payment):
        for event in payment.pull_events():
            order = order_of(payment)
            data = {"object": view(payment), "order": view(order)}
            refund = refund_for(payment) if event.type == "payment.refunded" else None
            if refund is not None:
                data["refund"] = view(refund)
            news.setdefault(order.seller_id, []).append(DomainEvent(event.type, data, aggregate_id=str(payment.id)))
    for order in _each(seen, Order):
        for event in order.pull_events():
            data = {"object": view(order)}
            news.setdefault(order.seller_id, []).append(DomainEvent(event.type, data, aggregate_id=str(order.id)))
    for refund in _each(seen, Refund):
        for event in refund.pull_events():
            order = order_of(refund)
            data = {"object": view(refund), "order": view(order)}
            paid = payment_of(refund)
            if paid is not None:
                data["payment"] = view(paid)
            news.setdefault(order.seller_id, []).append(DomainEvent(event.type, data, aggregate_id=str(refund.id)))
    return list(news.items())


def _each(seen: Sequence[Aggregate], kind: type[T]) -> list[T]:
    return [item for item in seen if isinstance(item, kind)]
