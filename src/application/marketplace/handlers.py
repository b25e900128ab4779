"""What the marketplace does when outbox messages come due: move reserved stock, issue invoices.

- the ``marketplace`` event subscriber: a marketplace order's payment captured, failed or expired,
  or the order cancelled, moves its reserved stock (``stock.py``); other orders are ignored;
- ``marketplace.invoice``: the invoice of a paid order, queued when its stock was consumed.
"""

from __future__ import annotations

import logging
from typing import Any

from application.marketplace.services import MarketplaceServices
from application.marketplace.stock import INVOICE_TOPIC, StockOutcome
from application.shared.subscriptions import Subscriptions

log = logging.getLogger("partnerpay.marketplace")

SUBSCRIBER = "marketplace"
EVENT_PATTERNS = ["payment.captured", "payment.failed", "payment.expired", "order.cancelled"]


def register(subscriptions: Subscriptions, marketplace: MarketplaceServices) -> None:
    def on_event(payload: dict[str, Any]) -> None:
        event_reaction(marketplace, str(payload["event_id"]))

    def issue_invoice(payload: dict[str, Any]) -> None:
        number = marketplace.invoice_issue(order_id=str(payload["order_id"]))
        log.info("marketplace_invoice", extra={"order_id": payload["order_id"], "number": number})

    subscriptions.subscribe_events(SUBSCRIBER, EVENT_PATTERNS, on_event)
    subscriptions.subscribe(INVOICE_TOPIC, issue_invoice)


def event_reaction(marketplace: MarketplaceServices, event_id: str) -> None:
    event = marketplace.events.get(event_id)
    if event is None:
        return
    data = event.data
    # Payment events carry their order beside the payment; order events are the order.
    order = data.get("order") if event.type.startswith("payment.") else data.get("object")
    if not isinstance(order, dict) or order.get("kind") != "marketplace":
        return
    order_id = str(order["id"])
    outcome: StockOutcome
    if event.type == "payment.captured":
        outcome = marketplace.payment_captured(order_id=order_id, payment_id=str(data["object"]["id"]))
    elif event.type in {"payment.failed", "payment.expired"}:
        outcome = marketplace.payment_failed(order_id=order_id)
    elif event.type == "order.cancelled":
        outcome = marketplace.order_cancelled(order_id=order_id)
    else:
        return
    log.info("marketplace_event", extra={"event_type": event.type, "order_id": order_id, "outcome": outcome.result})
