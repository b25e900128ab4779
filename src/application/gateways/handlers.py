"""What the gateways context does when its outbox jobs come due: act on a stored inbound event."""

from __future__ import annotations

from typing import Any

from application.gateways.ports import GatewayUnavailable
from application.gateways.services import GatewaysServices
from application.gateways.use_cases import PROCESS_TOPIC
from application.shared.outbox import Attempt, RetryLater
from application.shared.subscriptions import Subscriptions

# About a day of retries (5 s doubling, capped at an hour) before an event is marked failed.
PROCESS_MAX_ATTEMPTS = 30


def register(subscriptions: Subscriptions, gateways: GatewaysServices) -> None:
    def process(payload: dict[str, Any], *, attempt: Attempt) -> None:
        try:
            gateways.inbound_event_process(event_id=str(payload["inbound_event_id"]), last_attempt=attempt.is_last)
        except GatewayUnavailable as exc:
            # The provider (SSLCommerz's validation API) did not answer: the outbox tries again later.
            raise RetryLater(str(exc)) from None

    subscriptions.subscribe(PROCESS_TOPIC, process, max_attempts=PROCESS_MAX_ATTEMPTS)
