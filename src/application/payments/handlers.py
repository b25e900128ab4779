"""What payments does when its outbox jobs come due: send a return, cancel a checkout at its provider."""

from __future__ import annotations

from typing import Any

from application.payments.orders import CANCEL_AT_PROVIDER_TOPIC
from application.payments.services import PaymentsServices
from application.payments.unexpected import RETURN_TOPIC
from application.shared.subscriptions import Subscriptions


def register(subscriptions: Subscriptions, payments: PaymentsServices) -> None:
    def submit_return(payload: dict[str, Any]) -> None:
        # Money we did not keep goes back: phases 2 and 3 of the return refund ``unexpected.py`` recorded.
        payments.refund_submit(refund_id=str(payload["refund_id"]))

    def cancel_at_provider(payload: dict[str, Any]) -> None:
        payments.payment_cancel_at_provider(payment_id=str(payload["payment_id"]))

    subscriptions.subscribe(RETURN_TOPIC, submit_return)
    subscriptions.subscribe(CANCEL_AT_PROVIDER_TOPIC, cancel_at_provider)
