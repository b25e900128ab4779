"""Notifications wiring: webhook endpoints, the ``webhooks`` event subscriber and the delivery job.

Settings are read per call (``WEBHOOK_ALLOW_PRIVATE_URLS``, ``WEBHOOK_RETRY_SCHEDULE``,
``WEBHOOK_DISABLE_AFTER_DAYS``), so tests can change them with the ``settings`` fixture.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from adapters.cache.endpoint_guard import CacheEndpointGuard
from adapters.django_orm.notifications.repositories import (
    DjangoDeliveryRepository,
    DjangoEndpointRepository,
    DjangoEventReader,
)
from adapters.gateways.webhook_sender import HttpxWebhookSender, SocketResolver
from application.notifications import use_cases
from application.notifications.ports import DeliveryFilter, EventFilter, Resolver, WebhookSender
from application.shared.events import StoredEvent
from application.shared.outbox import Attempt
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal, Role
from domain.notifications.delivery import AttemptTrigger, Delivery
from domain.notifications.endpoint import WebhookEndpoint
from domain.notifications.schedule import RetrySchedule
from domain.shared.errors import DomainError
from entrypoints.bootstrap import Container, container, setting

log = structlog.get_logger("partnerpay.webhooks")

SENDER = "notifications.sender"
RESOLVER = "notifications.resolver"
USER_REGISTERED_TOPIC = "identity.user.registered"

endpoints = DjangoEndpointRepository()
deliveries = DjangoDeliveryRepository()
event_reader = DjangoEventReader()


def wire(built: Container) -> None:
    built.extras.setdefault(
        SENDER, HttpxWebhookSender(deadline=float(setting("WEBHOOK_ATTEMPT_DEADLINE_SECONDS", 15.0)))
    )
    built.extras.setdefault(RESOLVER, SocketResolver())
    if allow_private_urls() and setting("PRODUCTION", False):
        log.warning("webhook_private_urls_allowed_in_production")

    def on_user_registered(payload: dict[str, Any]) -> None:
        _endpoint_from_registration(built, payload)

    def fan_out(payload: dict[str, Any]) -> None:
        created = use_cases.event_fan_out(
            uow=_uow(built), events=event_reader, event_id=str(payload["event_id"]), clock=built.clock
        )
        if created:
            log.info("webhook_fan_out", event_id=payload["event_id"], deliveries=created)

    def deliver(payload: dict[str, Any], *, attempt: Attempt) -> None:
        outcome = use_cases.delivery_send(
            uow=_uow(built),
            sender=sender(built),
            resolver=resolver(built),
            publish=built.publish,
            clock=built.clock,
            policy=policy(),
            delivery_id=str(payload["delivery_id"]),
            run=int(payload.get("run", 1)),
            trigger=AttemptTrigger(payload.get("trigger", AttemptTrigger.SCHEDULED.value)),
            attempt=attempt.number,
            max_attempts=attempt.max_attempts,
            guard=guard(),
        )
        log.info("webhook_delivery", delivery_id=payload["delivery_id"], outcome=outcome)

    # Other contexts (earnings) handle sign-ups too: subscriptions fan out, never replace.
    built.subscriptions.subscribe(USER_REGISTERED_TOPIC, on_user_registered)
    built.subscriptions.subscribe_events(use_cases.SUBSCRIBER, ["*"], fan_out)
    built.subscriptions.subscribe(use_cases.DELIVER_TOPIC, deliver, max_attempts=retry_schedule().max_attempts)


def guard() -> CacheEndpointGuard:
    """Read per call, so tests can change the settings."""
    return CacheEndpointGuard(
        concurrency=int(setting("WEBHOOK_ENDPOINT_CONCURRENCY", 4)),
        failures=int(setting("WEBHOOK_BREAKER_FAILURES", 5)),
        cooldown_seconds=int(setting("WEBHOOK_BREAKER_COOLDOWN_SECONDS", 60)),
        deadline_seconds=float(setting("WEBHOOK_ATTEMPT_DEADLINE_SECONDS", 15.0)),
    )


def _endpoint_from_registration(built: Container, payload: dict[str, Any]) -> None:
    if payload.get("role") != Role.MERCHANT.value:
        return
    user = built.identity.users.get(str(payload["user_id"]))
    if user is None or user.role is not Role.MERCHANT or not user.profile.webhook_url:
        return
    try:
        endpoint = use_cases.endpoint_from_registration(
            uow=_uow(built),
            owner_id=user.id,
            url=user.profile.webhook_url,
            resolver=resolver(built),
            allow_private=allow_private_urls(),
            clock=built.clock,
        )
    except DomainError as exc:
        # A sign-up URL we will not call makes no endpoint; the merchant can register a good one.
        log.warning("registration_webhook_url_refused", user_id=user.id, code=exc.code, reason=exc.message)
        return
    if endpoint is not None:
        log.info("webhook_endpoint_from_registration", user_id=user.id, endpoint_id=endpoint.id)


def _uow(built: Container | None = None) -> Any:
    return (built or container()).uow(endpoints=endpoints, deliveries=deliveries)


def retry_schedule() -> RetrySchedule:
    raw = setting("WEBHOOK_RETRY_SCHEDULE", "")
    if isinstance(raw, list | tuple):
        return RetrySchedule.of_seconds([float(s) for s in raw])
    return RetrySchedule.parse(str(raw or ""))


def allow_private_urls() -> bool:
    return bool(setting("WEBHOOK_ALLOW_PRIVATE_URLS", False))


def policy() -> use_cases.DeliveryPolicy:
    return use_cases.DeliveryPolicy(
        schedule=retry_schedule(),
        allow_private=allow_private_urls(),
        disable_after=timedelta(days=float(setting("WEBHOOK_DISABLE_AFTER_DAYS", 5.0))),
    )


def sender(built: Container | None = None) -> WebhookSender:
    """Looked up per call, so tests can install another sender in the container."""
    found: WebhookSender = (built or container()).extras[SENDER]
    return found


def resolver(built: Container | None = None) -> Resolver:
    found: Resolver = (built or container()).extras[RESOLVER]
    return found


# --------------------------------------------------------------------------- endpoints (merchants)


def create_endpoint(
    principal: Principal, *, url: str, events: list[str], description: str
) -> use_cases.EndpointWithSecret:
    built = container()
    return use_cases.endpoint_create(
        uow=_uow(built),
        owner_id=principal.user_id,
        url=url,
        events=events,
        description=description,
        resolver=resolver(built),
        allow_private=allow_private_urls(),
        clock=built.clock,
    )


def list_endpoints(principal: Principal, page: PageRequest) -> Page[WebhookEndpoint]:
    return use_cases.endpoints_list(endpoints=endpoints, owner_id=principal.user_id, page=page)


def get_endpoint(principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    return use_cases.endpoint_get(endpoints=endpoints, owner_id=principal.user_id, endpoint_id=endpoint_id)


def update_endpoint(principal: Principal, endpoint_id: str, changes: dict[str, Any]) -> WebhookEndpoint:
    built = container()
    return use_cases.endpoint_update(
        uow=_uow(built),
        owner_id=principal.user_id,
        endpoint_id=endpoint_id,
        url=changes.get("url"),
        events=changes.get("events"),
        description=changes.get("description"),
        enabled=changes.get("enabled"),
        resolver=resolver(built),
        allow_private=allow_private_urls(),
        clock=built.clock,
    )


def delete_endpoint(principal: Principal, endpoint_id: str) -> None:
    use_cases.endpoint_delete(uow=_uow(), owner_id=principal.user_id, endpoint_id=endpoint_id, clock=container().clock)


def rotate_secret(principal: Principal, endpoint_id: str) -> use_cases.EndpointWithSecret:
    return use_cases.endpoint_rotate_secret(
        uow=_uow(), owner_id=principal.user_id, endpoint_id=endpoint_id, clock=container().clock
    )


# --------------------------------------------------------------------------- deliveries


def list_deliveries(
    principal: Principal, endpoint_id: str, filters: DeliveryFilter, page: PageRequest
) -> Page[Delivery]:
    return use_cases.deliveries_list(
        endpoints=endpoints,
        deliveries=deliveries,
        owner_id=principal.user_id,
        endpoint_id=endpoint_id,
        filters=filters,
        page=page,
    )


def get_delivery(principal: Principal, delivery_id: str) -> use_cases.DeliveryDetail:
    return use_cases.delivery_get(deliveries=deliveries, owner_id=principal.user_id, delivery_id=delivery_id)


def retry_delivery(principal: Principal, delivery_id: str) -> Delivery:
    return use_cases.delivery_retry(
        uow=_uow(), owner_id=principal.user_id, delivery_id=delivery_id, clock=container().clock
    )


def replay(principal: Principal, endpoint_id: str, *, since: datetime, until: datetime | None) -> use_cases.Replayed:
    return use_cases.endpoint_replay(
        uow=_uow(),
        owner_id=principal.user_id,
        endpoint_id=endpoint_id,
        since=since,
        until=until,
        clock=container().clock,
    )


# --------------------------------------------------------------------------- event log


def _events_owner(principal: Principal) -> str | None:
    return None if principal.is_admin else principal.user_id


def list_events(principal: Principal, filters: EventFilter, page: PageRequest) -> Page[StoredEvent]:
    if not principal.is_admin:
        filters = EventFilter(
            owner_id=principal.user_id,
            type=filters.type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        )
    return use_cases.events_list(events=event_reader, filters=filters, page=page)


def get_event(principal: Principal, event_id: str) -> StoredEvent:
    return use_cases.event_get(events=event_reader, owner_id=_events_owner(principal), event_id=event_id)
