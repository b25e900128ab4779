"""What the notification use cases need from the outside: storage, DNS, HTTP, the event log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.events import StoredEvent
from application.shared.pagination import Page, PageRequest
from application.shared.ports import Outbox, UnitOfWork
from domain.identity.user import User
from domain.notifications.delivery import Delivery, DeliveryAttempt, DeliveryStatus, SendResult
from domain.notifications.endpoint import WebhookEndpoint
from domain.notifications.url_rules import WebhookTarget
from domain.shared.events import DomainEvent


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    status: DeliveryStatus | None = None
    event_type: str | None = None
    created_after: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class EventFilter:
    owner_id: str | None = None  # None: every owner (admins)
    type: str | None = None  # an exact type or a family ("payment.*")
    created_after: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive


class EndpointRepository(Protocol):
    def add(self, endpoint: WebhookEndpoint) -> bool:
        """Stores a new endpoint; False (and nothing stored) when its non-empty ``origin`` is taken."""
        ...

    def get(self, endpoint_id: str, *, owner_id: str | None = None, for_update: bool = False) -> WebhookEndpoint | None:
        """A live (not deleted) endpoint, optionally only if ``owner_id`` owns it."""
        ...

    def list_for_owner(self, owner_id: str, page: PageRequest) -> Page[WebhookEndpoint]: ...

    def save(self, endpoint: WebhookEndpoint) -> None: ...

    def subscribed(self, *, owner_id: str, event_type: str) -> list[WebhookEndpoint]:
        """The owner's enabled, live endpoints whose patterns match ``event_type``."""
        ...

    def mark_healthy(self, endpoint_id: str) -> None:
        """A delivery succeeded: the endpoint is no longer failing."""
        ...

    def mark_failing(self, endpoint_id: str, *, now: datetime) -> datetime | None:
        """A delivery attempt failed: start the failing clock unless running; returns when it started."""
        ...


class DeliveryRepository(Protocol):
    def endpoints_with_delivery(self, event_id: str) -> set[str]:
        """Ids of the endpoints that already have a delivery of this event."""
        ...

    def add_all(self, deliveries: Sequence[Delivery]) -> None:
        """Stores new deliveries. A second delivery of an (endpoint, event) is refused by the database
        (unique constraint): a concurrent duplicate fan-out fails its transaction and is retried."""
        ...

    def get(self, delivery_id: str, *, owner_id: str | None = None, for_update: bool = False) -> Delivery | None: ...

    def get_with_endpoint(self, delivery_id: str) -> tuple[Delivery, WebhookEndpoint | None] | None:
        """The delivery and its endpoint (None once deleted), in one read."""
        ...

    def save(self, delivery: Delivery) -> None: ...

    def save_if_unchanged(self, delivery: Delivery, *, run: int, attempt_count: int) -> bool:
        """Saves only if the stored run and attempt count are still these (optimistic concurrency)."""
        ...

    def add_attempt(self, attempt: DeliveryAttempt) -> None: ...

    def attempts(self, delivery_id: str) -> list[DeliveryAttempt]: ...

    def list_for_endpoint(self, endpoint_id: str, filters: DeliveryFilter, page: PageRequest) -> Page[Delivery]: ...

    def failed_between(self, endpoint_id: str, *, since: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Failed deliveries created in [since, until), oldest first, locked for the caller's transaction."""
        ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    endpoints: EndpointRepository
    deliveries: DeliveryRepository


class EventReader(Protocol):
    def get(self, event_id: str) -> StoredEvent | None: ...

    def list(self, filters: EventFilter, page: PageRequest) -> Page[StoredEvent]: ...


class EventPublisher(Protocol):
    """Writes events to the log and the subscribers' outboxes, inside the caller's transaction."""

    def __call__(self, outbox: Outbox, events: Sequence[DomainEvent], *, owner_id: str) -> Sequence[StoredEvent]: ...


class ResolutionFailed(Exception):
    """The host name did not resolve (NXDOMAIN, no network, ...)."""


class Resolver(Protocol):
    def resolve(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, as strings; raises ResolutionFailed."""
        ...


@dataclass(frozen=True, slots=True)
class Destination:
    """A vetted target plus the one address to connect to: the address that was checked."""

    target: WebhookTarget
    address: str


class WebhookSender(Protocol):
    def send(self, *, destination: Destination, body: bytes, headers: Mapping[str, str]) -> SendResult:
        """POST ``body`` to ``destination.address`` with the target's Host and SNI; never follows redirects.

        Never raises for network trouble: it comes back as a result with ``status_code`` None.
        """
        ...


class EndpointGuard(Protocol):
    """Shared, per-endpoint protection of the webhook workers (a cache shared by every worker process).

    A concurrency cap keeps one slow endpoint from holding every worker; a circuit breaker pauses an
    endpoint after consecutive failures, so its deliveries wait without spending a worker on it.
    """

    def paused_for(self, endpoint_id: str) -> float:
        """Seconds until the endpoint's circuit closes again (0: it may be called)."""
        ...

    def acquire(self, endpoint_id: str) -> bool:
        """Takes one of the endpoint's concurrent-call slots; False when all are taken."""
        ...

    def release(self, endpoint_id: str) -> None: ...

    def record(self, endpoint_id: str, *, success: bool) -> None:
        """An attempt's outcome: consecutive failures open the circuit, a success closes it."""
        ...


class UserDirectory(Protocol):
    """Identity's accounts, read only: a merchant's sign-up ``webhook_url`` becomes its first endpoint."""

    def get(self, user_id: str) -> User | None: ...
