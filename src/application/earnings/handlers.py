"""What earnings does when its outbox messages come due.

How a sale becomes a commission, robustly:
* ``payment.captured`` / ``payment.refunded`` / ``refund.failed`` reach the ``earnings`` subscriber
  through the event log and the outbox (one message per event, retried until done); a failed
  refund gives back what it took (see ``application.earnings.commissions``);
* the attribution (account -> reseller) is recorded when ``identity.user.registered`` is
  handled, and, should that message not have been handled yet, lazily from the account's
  ``referred_by_code`` when its first sale arrives. So the commission never depends on which
  subscriber of the registration topic runs first.
Invoice PDFs and payouts are jobs their use cases write to the outbox.
"""

from __future__ import annotations

import logging
from typing import Any

from application.earnings.commissions import refund_failure_from_event, sale_from_event
from application.earnings.invoices import RENDER_TOPIC
from application.earnings.payouts import PROCESS_TOPIC
from application.earnings.services import EarningsServices
from application.shared.subscriptions import Subscriptions

log = logging.getLogger("partnerpay.earnings")

SUBSCRIBER = "earnings"
PAYMENT_EVENTS = ("payment.captured", "payment.refunded", "refund.failed")
REFUND_FAILED = "refund.failed"
# Identity's topic: it writes one message per sign-up, whatever contexts subscribe to it.
USER_REGISTERED_TOPIC = "identity.user.registered"


def register(subscriptions: Subscriptions, earnings: EarningsServices) -> None:
    def on_payment_event(payload: dict[str, Any]) -> None:
        event = earnings.events.get(str(payload["event_id"]))
        if event is None:
            return
        if event.type == REFUND_FAILED:
            on_refund_failed(event.id, event.data)
            return
        sale = sale_from_event(event.data)
        if sale is None:
            return
        outcome = earnings.commission_sync_payment(sale=sale)
        if outcome.created or outcome.clawback is not None or outcome.skipped == "other_currency":
            log.info(
                "commission_synced",
                extra={
                    "event_id": event.id,
                    "payment_id": sale.payment_id,
                    # "created" is a LogRecord attribute: stdlib logging refuses it as an extra field.
                    "commission_created": outcome.created,
                    "clawback": outcome.clawback.id if outcome.clawback else None,
                    "skipped": outcome.skipped or None,
                },
            )

    def on_refund_failed(event_id: str, data: dict[str, Any]) -> None:
        failure = refund_failure_from_event(data)
        if failure is None:
            return
        outcome = earnings.commission_refund_failed(failure=failure)
        if outcome.restored_minor or outcome.voided or outcome.adjustment or outcome.created:
            log.info(
                "commission_refund_reversed",
                extra={
                    "event_id": event_id,
                    "payment_id": failure.sale.payment_id,
                    "refund_id": failure.sale.refund_id,
                    "restored_minor": outcome.restored_minor or None,
                    "voided": outcome.voided.id if outcome.voided else None,
                    "adjustment": outcome.adjustment.id if outcome.adjustment else None,
                },
            )

    def on_user_registered(payload: dict[str, Any]) -> None:
        if not payload.get("referral"):
            return
        earnings.referral_attribute(account_id=str(payload["user_id"]))

    def render_invoice(payload: dict[str, Any]) -> None:
        earnings.invoice_render(invoice_id=str(payload["invoice_id"]))

    def process_payout(payload: dict[str, Any]) -> None:
        earnings.payout_process(payout_id=str(payload["payout_id"]))

    subscriptions.subscribe_events(SUBSCRIBER, PAYMENT_EVENTS, on_payment_event)
    subscriptions.subscribe(USER_REGISTERED_TOPIC, on_user_registered)
    subscriptions.subscribe(RENDER_TOPIC, render_invoice)
    subscriptions.subscribe(PROCESS_TOPIC, process_payout)
