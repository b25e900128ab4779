"""What notifications does when outbox messages come due: fan events out, deliver, adopt sign-up URLs.

- every event (the ``webhooks`` subscriber, ``*``): one delivery per subscribed endpoint;
- ``webhooks.deliver``: one HTTP attempt of a delivery, its budget the retry schedule's length;
- ``identity.user.registered``: a merchant's sign-up ``webhook_url`` becomes an endpoint. Other
  contexts (earnings) handle sign-ups too: subscriptions fan out, never replace.
"""

from __future__ import annotations

import logging
from typing import Any

from application.notifications.services import NotificationsServices
from application.notifications.use_cases import DELIVER_TOPIC, SUBSCRIBER
from application.shared.outbox import Attempt
from application.shared.subscriptions import Subscriptions
from domain.identity.user import Role
from domain.notifications.delivery import AttemptTrigger
from domain.shared.errors import DomainError

log = logging.getLogger("partnerpay.webhooks")

USER_REGISTERED_TOPIC = "identity.user.registered"


def register(subscriptions: Subscriptions, notifications: NotificationsServices) -> None:
    def fan_out(payload: dict[str, Any]) -> None:
        created = notifications.event_fan_out(event_id=str(payload["event_id"]))
        if created:
            log.info("webhook_fan_out", extra={"event_id": payload["event_id"], "deliveries": created})

    def deliver(payload: dict[str, Any], *, attempt: Attempt) -> None:
        outcome = notifications.delivery_send(
            delivery_id=str(payload["delivery_id"]),
            run=int(payload.get("run", 1)),
            trigger=AttemptTrigger(payload.get("trigger", AttemptTrigger.SCHEDULED.value)),
            attempt=attempt.number,
            max_attempts=attempt.max_attempts,
        )
        log.info("webhook_delivery", extra={"delivery_id": payload["delivery_id"], "outcome": outcome})

    def on_user_registered(payload: dict[str, Any]) -> None:
        endpoint_from_registration(notifications, payload)

    subscriptions.subscribe(USER_REGISTERED_TOPIC, on_user_registered)
    subscriptions.subscribe_events(SUBSCRIBER, ["*"], fan_out)
    subscriptions.subscribe(DELIVER_TOPIC, deliver, max_attempts=notifications.max_attempts)


def endpoint_from_registration(notifications: NotificationsServices, payload: dict[str, Any]) -> None:
    if payload.get("role") != Role.MERCHANT.value:
        return
    user = notifications.users.get(str(payload["user_id"]))
    if user is None or user.role is not Role.MERCHANT or not user.profile.webhook_url:
        return
    try:
        endpoint = notifications.endpoint_from_registration(owner_id=user.id, url=user.profile.webhook_url)
    except DomainError as exc:
        # A sign-up URL we will not call makes no endpoint; the merchant can register a good one.
        log.warning(
            "registration_webhook_url_refused", extra={"user_id": user.id, "code": exc.code, "reason": exc.message}
        )
        return
    if endpoint is not None:
        log.info("webhook_endpoint_from_registration", extra={"user_id": user.id, "endpoint_id": endpoint.id})
