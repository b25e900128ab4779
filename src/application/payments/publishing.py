"""Turning aggregate events into published events carrying the resource as it was."""

from __future__ import annotations

from application.payments.ports import EventPublisher, PaymentsUnitOfWork
from application.payments.representations import order_view, payment_view, refund_view
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from domain.shared.events import DomainEvent


def publish_changes(
    uow: PaymentsUnitOfWork,
    publish: EventPublisher,
    *,
    order: Order,
    payment: Payment | None = None,
    refund: Refund | None = None,
    refund_event: str = "",
) -> None:
    """Publishes what the aggregates emitted, in the order it happened, to the order's seller.

    ``refund_event`` (``refund.succeeded`` / ``refund.failed`` / ``refund.returned``) is the refund's
    own news, published after the payment's and order's with all three as they are now.
    """
    events: list[DomainEvent] = []
    if payment is not None:
        for event in payment.pull_events():
            data = {"object": payment_view(payment), "order": order_view(order)}
            if refund is not None and event.type == "payment.refunded":
                data["refund"] = refund_view(refund)
            events.append(DomainEvent(event.type, data, aggregate_id=str(payment.id)))
    for event in order.pull_events():
        events.append(DomainEvent(event.type, {"object": order_view(order)}, aggregate_id=str(order.id)))
    if refund is not None and refund_event:
        data = {"object": refund_view(refund), "order": order_view(order)}
        if payment is not None:
            data["payment"] = payment_view(payment)
        events.append(DomainEvent(refund_event, data, aggregate_id=str(refund.id)))
    if events:
        publish(uow.outbox, events, owner_id=order.seller_id)
