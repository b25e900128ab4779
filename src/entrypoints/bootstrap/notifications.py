"""Notifications wiring: endpoint and delivery repositories, the httpx sender, DNS, the cache guard, the policy."""

from __future__ import annotations

from datetime import timedelta

import structlog

from adapters.cache.endpoint_guard import CacheEndpointGuard
from adapters.django_orm.identity.repositories import DjangoUserRepository
from adapters.django_orm.notifications.repositories import (
    DjangoDeliveryRepository,
    DjangoEndpointRepository,
    DjangoEventReader,
)
from adapters.gateways.webhook_sender import HttpxWebhookSender, SocketResolver
from application.notifications.services import NotificationsServices
from application.notifications.use_cases import DeliveryPolicy
from domain.notifications.schedule import RetrySchedule
from entrypoints.bootstrap.platform import Platform, setting

log = structlog.get_logger("partnerpay.webhooks")


def build(built: Platform) -> NotificationsServices:
    endpoints, deliveries = DjangoEndpointRepository(), DjangoDeliveryRepository()

    allow_private = bool(setting("WEBHOOK_ALLOW_PRIVATE_URLS", False))
    if allow_private and setting("PRODUCTION", False):
        log.warning("webhook_private_urls_allowed_in_production")
    deadline = float(setting("WEBHOOK_ATTEMPT_DEADLINE_SECONDS", 15.0))
    return NotificationsServices(
        uow=built.uow_factory(endpoints=endpoints, deliveries=deliveries),
        endpoints=endpoints,
        deliveries=deliveries,
        events=DjangoEventReader(),
        users=DjangoUserRepository(),
        sender=HttpxWebhookSender(deadline=deadline),
        resolver=SocketResolver(),
        guard=CacheEndpointGuard(
            concurrency=int(setting("WEBHOOK_ENDPOINT_CONCURRENCY", 4)),
            failures=int(setting("WEBHOOK_BREAKER_FAILURES", 5)),
            cooldown_seconds=int(setting("WEBHOOK_BREAKER_COOLDOWN_SECONDS", 60)),
            deadline_seconds=deadline,
        ),
        publish=built.publish,
        clock=built.clock,
        policy=DeliveryPolicy(
            schedule=_retry_schedule(setting("WEBHOOK_RETRY_SCHEDULE", "")),
            allow_private=allow_private,
            disable_after=timedelta(days=float(setting("WEBHOOK_DISABLE_AFTER_DAYS", 5.0))),
        ),
    )


def _retry_schedule(raw: object) -> RetrySchedule:
    """The setting is seconds as a list (tests) or a comma-separated string (the environment)."""
    if isinstance(raw, list | tuple):
        return RetrySchedule.of_seconds([float(s) for s in raw])
    return RetrySchedule.parse(str(raw or ""))
