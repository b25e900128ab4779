"""What distributors do on other contexts' events: a distributor payment's money reaches SAP's books.

``erp_journal`` (``payment.captured``) and ``erp_journal_reversal`` (``refund.succeeded``) each get
the event id; events about other orders than a distributor's are ignored (payments.py).
"""

from __future__ import annotations

from typing import Any

from application.distributors.services import DistributorsServices
from application.shared.subscriptions import Subscriptions


def register(subscriptions: Subscriptions, distributors: DistributorsServices) -> None:
    def journal_entry(payload: dict[str, Any]) -> None:
        distributors.payment_journal_entry_request(event_id=str(payload["event_id"]))

    def journal_reversal(payload: dict[str, Any]) -> None:
        distributors.refund_journal_reversal_request(event_id=str(payload["event_id"]))

    subscriptions.subscribe_events("erp_journal", ["payment.captured"], journal_entry)
    subscriptions.subscribe_events("erp_journal_reversal", ["refund.succeeded"], journal_reversal)
