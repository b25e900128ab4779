"""In-memory fakes of the notification ports (our own interfaces; never mocks)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from application.notifications.ports import DeliveryFilter, Destination, EventFilter, ResolutionFailed
from application.shared.events import StoredEvent
from application.shared.pagination import Page, PageRequest
from domain.notifications.delivery import Delivery, DeliveryAttempt, DeliveryStatus, SendResult
from domain.notifications.endpoint import WebhookEndpoint, matches
from domain.shared.events import DomainEvent
from tests.fakes.outbox import MemoryOutbox


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 1, 15, 10, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class MemoryEndpoints:
    def __init__(self) -> None:
        self.rows: dict[str, WebhookEndpoint] = {}

    def add(self, endpoint: WebhookEndpoint) -> bool:
        if endpoint.origin and any(e.origin == endpoint.origin for e in self.rows.values()):
            return False
        self.rows[endpoint.id] = copy.copy(endpoint)
        return True

    def get(self, endpoint_id: str, *, owner_id: str | None = None, for_update: bool = False) -> WebhookEndpoint | None:
        found = self.rows.get(endpoint_id)
        if found is None or found.deleted_at is not None or (owner_id is not None and found.owner_id != owner_id):
            return None
        return copy.copy(found)

    def list_for_owner(self, owner_id: str, page: PageRequest) -> Page[WebhookEndpoint]:
        return Page([copy.copy(e) for e in self.rows.values() if e.owner_id == owner_id], None)

    def save(self, endpoint: WebhookEndpoint) -> None:
        self.rows[endpoint.id] = copy.copy(endpoint)

    def subscribed(self, *, owner_id: str, event_type: str) -> list[WebhookEndpoint]:
        return [
            copy.copy(e)
            for e in self.rows.values()
            if e.owner_id == owner_id and e.enabled and e.deleted_at is None and matches(e.events, event_type)
        ]

    def mark_healthy(self, endpoint_id: str) -> None:
        self.rows[endpoint_id].failing_since = None

    def mark_failing(self, endpoint_id: str, *, now: datetime) -> datetime | None:
        row = self.rows[endpoint_id]
        if row.failing_since is None:
            row.failing_since = now
        return row.failing_since


class MemoryDeliveries:
    def __init__(self) -> None:
        self.rows: dict[str, Delivery] = {}
        self.endpoints: MemoryEndpoints | None = None
        self.attempt_log: list[DeliveryAttempt] = []

    def endpoints_with_delivery(self, event_id: str) -> set[str]:
        return {d.endpoint_id for d in self.rows.values() if d.event_id == event_id}

    def add_all(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            if delivery.endpoint_id in self.endpoints_with_delivery(delivery.event_id):
                raise AssertionError("unique (endpoint, event) violated")
            self.rows[delivery.id] = copy.copy(delivery)

    def get_with_endpoint(self, delivery_id: str) -> tuple[Delivery, WebhookEndpoint | None] | None:
        found = self.get(delivery_id)
        if found is None:
            return None
        assert self.endpoints is not None
        return found, self.endpoints.get(found.endpoint_id)

    def save_if_unchanged(self, delivery: Delivery, *, run: int, attempt_count: int) -> bool:
        stored = self.rows[delivery.id]
        if (stored.run, stored.attempt_count) != (run, attempt_count):
            return False
        self.save(delivery)
        return True

    def get(self, delivery_id: str, *, owner_id: str | None = None, for_update: bool = False) -> Delivery | None:
        found = self.rows.get(delivery_id)
        if found is None or (owner_id is not None and found.owner_id != owner_id):
            return None
        return copy.copy(found)

    def save(self, delivery: Delivery) -> None:
        self.rows[delivery.id] = copy.copy(delivery)

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self.attempt_log.append(attempt)

    def attempts(self, delivery_id: str) -> list[DeliveryAttempt]:
        return [a for a in self.attempt_log if a.delivery_id == delivery_id]

    def list_for_endpoint(self, endpoint_id: str, filters: DeliveryFilter, page: PageRequest) -> Page[Delivery]:
        return Page([copy.copy(d) for d in self.rows.values() if d.endpoint_id == endpoint_id], None)

    def failed_between(self, endpoint_id: str, *, since: datetime, until: datetime, limit: int) -> list[Delivery]:
        found = [
            copy.copy(d)
            for d in self.rows.values()
            if d.endpoint_id == endpoint_id and d.status is DeliveryStatus.FAILED and since <= d.created_at < until
        ]
        return sorted(found, key=lambda d: d.created_at)[:limit]


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.endpoints = MemoryEndpoints()
        self.deliveries = MemoryDeliveries()
        self.deliveries.endpoints = self.endpoints
        self.outbox = MemoryOutbox()
        self.commits = 0

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.commits += 1


class FakeResolver:
    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = table or {}
        self.asked: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            raise ResolutionFailed(f"{host}: no such name")
        return list(self.table[host])


class ScriptedSender:
    """Answers from a script of status codes (None = network error), the last one repeated."""

    def __init__(self, *answers: int | None) -> None:
        self.answers = list(answers) or [200]
        self.sent: list[tuple[Destination, bytes, dict[str, str]]] = []

    def send(self, *, destination: Destination, body: bytes, headers: Mapping[str, str]) -> SendResult:
        self.sent.append((destination, body, dict(headers)))
        status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if status is None:
            return SendResult(status_code=None, duration_ms=3, error="ConnectError: refused")
        return SendResult(status_code=status, duration_ms=3, response_body="ok")


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[tuple[str, DomainEvent]] = []

    def __call__(self, outbox: Any, events: Sequence[DomainEvent], *, owner_id: str) -> Sequence[StoredEvent]:
        self.published += [(owner_id, e) for e in events]
        return []


class MemoryEvents:
    def __init__(self, *events: StoredEvent) -> None:
        self.rows = {e.id: e for e in events}

    def get(self, event_id: str) -> StoredEvent | None:
        return self.rows.get(event_id)

    def list(self, filters: EventFilter, page: PageRequest) -> Page[StoredEvent]:
        return Page(list(self.rows.values()), None)
