"""Notifications wiring: endpoint and delivery repositories, the httpx sender, DNS, the cache guard, the policy."""

from __future__ import annotations

from adapters.cache.endpoint_guard import CacheEndpointGuard
from adapters.django_orm.identity.repositories import DjangoUserRepository
from adapters.django_orm.notifications import conf
from adapters.django_orm.notifications.repositories import (
    DjangoDeliveryRepository,
    DjangoEndpointRepository,
    DjangoEventReader,
)
from adapters.gateways.webhook_sender import HttpxWebhookSender, SocketResolver, attempt_deadline
from application.notifications.services import NotificationsServices
from entrypoints.bootstrap.platform import Platform


def build(built: Platform) -> NotificationsServices:
    endpoints, deliveries = DjangoEndpointRepository(), DjangoDeliveryRepository()
    return NotificationsServices(
        uow=built.uow_factory(endpoints=endpoints, deliveries=deliveries),
        endpoints=endpoints,
        deliveries=deliveries,
        events=DjangoEventReader(),
        users=DjangoUserRepository(),
        sender=HttpxWebhookSender.from_settings(),
        resolver=SocketResolver(),
        guard=CacheEndpointGuard.from_settings(deadline_seconds=attempt_deadline()),
        publish=built.events_publish,
        clock=built.clock,
        policy=conf.delivery_policy(),
    )
