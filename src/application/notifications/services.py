"""Notifications' use cases bound to their adapters: what routers, portal views and handlers call.

The composition root builds one ``NotificationsServices`` with Django adapters, the httpx sender and
the DNS resolver; tests may replace any field (``container().notifications.sender = Fake()``).
Each method keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from application.notifications import use_cases
from application.notifications.ports import (
    DeliveryFilter,
    DeliveryRepository,
    EndpointGuard,
    EndpointRepository,
    EventFilter,
    EventPublisher,
    EventReader,
    NotificationsUnitOfWork,
    Resolver,
    UserDirectory,
    WebhookSender,
)
from application.notifications.unit_of_work import publishing
from application.shared.events import StoredEvent
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.notifications.delivery import AttemptTrigger, Delivery
from domain.notifications.endpoint import WebhookEndpoint
from domain.shared.clock import Clock


@dataclass(slots=True)
class NotificationsServices:
    uow: Callable[[], NotificationsUnitOfWork]
    endpoints: EndpointRepository
    deliveries: DeliveryRepository
    events: EventReader
    # Who signed up with a webhook_url (identity's users, read only).
    users: UserDirectory
    sender: WebhookSender
    resolver: Resolver
    guard: EndpointGuard
    publish: EventPublisher
    clock: Clock
    # Retry schedule (its length is the outbox's attempt budget), private URLs allowed, disable-after.
    policy: use_cases.DeliveryPolicy

    def __post_init__(self) -> None:
        # Every unit of work publishes what its endpoints emitted as it commits.
        self.uow = publishing(self.uow, lambda: self.publish)

    @property
    def max_attempts(self) -> int:
        return self.policy.schedule.max_attempts

    # --- endpoints (merchants) ----------------------------------------------------------------

    def endpoint_create(
        self, *, owner_id: str, url: str, events: list[str], description: str
    ) -> use_cases.EndpointWithSecret:
        return use_cases.endpoint_create(
            uow=self.uow(),
            owner_id=owner_id,
            url=url,
            events=events,
            description=description,
            resolver=self.resolver,
            allow_private=self.policy.allow_private,
            clock=self.clock,
        )

    def endpoint_from_registration(self, *, owner_id: str, url: str) -> WebhookEndpoint | None:
        return use_cases.endpoint_from_registration(
            uow=self.uow(),
            owner_id=owner_id,
            url=url,
            resolver=self.resolver,
            allow_private=self.policy.allow_private,
            clock=self.clock,
        )

    def endpoints_list(self, *, owner_id: str, page: PageRequest) -> Page[WebhookEndpoint]:
        return use_cases.endpoints_list(endpoints=self.endpoints, owner_id=owner_id, page=page)

    def endpoint_get(self, *, owner_id: str, endpoint_id: str) -> WebhookEndpoint:
        return use_cases.endpoint_get(endpoints=self.endpoints, owner_id=owner_id, endpoint_id=endpoint_id)

    def endpoint_update(
        self,
        *,
        owner_id: str,
        endpoint_id: str,
        url: str | None = None,
        events: list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> WebhookEndpoint:
        return use_cases.endpoint_update(
            uow=self.uow(),
            owner_id=owner_id,
            endpoint_id=endpoint_id,
            url=url,
            events=events,
            description=description,
            enabled=enabled,
            resolver=self.resolver,
            allow_private=self.policy.allow_private,
            clock=self.clock,
        )

    def endpoint_delete(self, *, owner_id: str, endpoint_id: str) -> None:
        use_cases.endpoint_delete(uow=self.uow(), owner_id=owner_id, endpoint_id=endpoint_id, clock=self.clock)

    def endpoint_rotate_secret(self, *, owner_id: str, endpoint_id: str) -> use_cases.EndpointWithSecret:
        return use_cases.endpoint_rotate_secret(
            uow=self.uow(), owner_id=owner_id, endpoint_id=endpoint_id, clock=self.clock
        )

    def endpoint_replay(
        self, *, owner_id: str, endpoint_id: str, since: datetime, until: datetime | None
    ) -> use_cases.Replayed:
        return use_cases.endpoint_replay(
            uow=self.uow(), owner_id=owner_id, endpoint_id=endpoint_id, since=since, until=until, clock=self.clock
        )

    # --- fan-out and delivery (handlers) ------------------------------------------------------

    def event_fan_out(self, *, event_id: str) -> int:
        return use_cases.event_fan_out(uow=self.uow(), events=self.events, event_id=event_id, clock=self.clock)

    def delivery_send(
        self, *, delivery_id: str, run: int, trigger: AttemptTrigger, attempt: int, max_attempts: int
    ) -> str:
        return use_cases.delivery_send(
            uow=self.uow(),
            sender=self.sender,
            resolver=self.resolver,
            clock=self.clock,
            policy=self.policy,
            delivery_id=delivery_id,
            run=run,
            trigger=trigger,
            attempt=attempt,
            max_attempts=max_attempts,
            guard=self.guard,
        )

    # --- deliveries ---------------------------------------------------------------------------

    def deliveries_list(
        self, *, owner_id: str, endpoint_id: str, filters: DeliveryFilter, page: PageRequest
    ) -> Page[Delivery]:
        return use_cases.deliveries_list(
            endpoints=self.endpoints,
            deliveries=self.deliveries,
            owner_id=owner_id,
            endpoint_id=endpoint_id,
            filters=filters,
            page=page,
        )

    def delivery_get(self, *, owner_id: str, delivery_id: str) -> use_cases.DeliveryDetail:
        return use_cases.delivery_get(deliveries=self.deliveries, owner_id=owner_id, delivery_id=delivery_id)

    def delivery_retry(self, *, owner_id: str, delivery_id: str) -> Delivery:
        return use_cases.delivery_retry(uow=self.uow(), owner_id=owner_id, delivery_id=delivery_id, clock=self.clock)

    # --- the event log ------------------------------------------------------------------------

    def events_list(self, *, principal: Principal, filters: EventFilter, page: PageRequest) -> Page[StoredEvent]:
        return use_cases.events_list(events=self.events, principal=principal, filters=filters, page=page)

    def event_get(self, *, principal: Principal, event_id: str) -> StoredEvent:
        return use_cases.event_get(events=self.events, principal=principal, event_id=event_id)
