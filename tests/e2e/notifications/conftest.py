"""Webhook e2e fixtures: a local receiver, fast retries, and helpers to publish and drain the outbox.

The receiver listens on 127.0.0.1, so these tests allow private URLs (WEBHOOK_ALLOW_PRIVATE_URLS);
the SSRF tests switch it off again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from application.shared.events import ROUTE_TOPIC, SUBSCRIBER_TOPIC_PREFIX
from domain.shared.events import DomainEvent
from entrypoints import bootstrap
from tests.e2e.notifications.receiver import Receiver, start_receiver
from tests.helpers import bearer, post, register


@pytest.fixture(autouse=True)
def _webhook_settings(settings: Any) -> Iterator[None]:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_SCHEDULE = "0,0,0"
    # These tests drive failures with a moved clock; the breaker (real time) has tests of its own.
    settings.WEBHOOK_BREAKER_FAILURES = 10_000
    bootstrap.reset_container()
    yield
    bootstrap.reset_container()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = start_receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def merchant(http: Any) -> dict[str, Any]:
    return register(http, "merchant")


class MovableClock:
    """Real time plus an offset the test moves: rows stamped with the real clock stay due."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    found = MovableClock()
    bootstrap.container().clock = found
    bootstrap.container().notifications.clock = found
    return found


def auth(account: dict[str, Any]) -> dict[str, str]:
    return bearer(account["access"])


def create_endpoint(http: Any, account: dict[str, Any], url: str, events: list[str] | None = None, **extra: Any) -> Any:
    response = post(
        http, "/api/v1/webhook-endpoints", {"url": url, "events": events or ["*"], **extra}, **auth(account)
    )
    assert response.status_code == 201, response.content
    return response.json()


def publish(owner_id: str, event_type: str = "payment.captured", data: dict[str, Any] | None = None) -> str:
    container = bootstrap.container()
    with container.uow() as uow:
        [stored] = container.events_publish(
            uow.outbox,
            [DomainEvent(type=event_type, data=data or {"object": {"id": "pay_1", "amount": "100.50"}})],
            owner_id=owner_id,
        )
    return stored.id


def drain(rounds: int = 50) -> int:
    """Run every due outbox message until none is due (what the sweeper does, inline)."""
    container = bootstrap.container()
    processed = 0
    for _ in range(rounds):
        due = container.outbox_store.due_ids(now=container.clock.now(), limit=500)
        if not due:
            return processed
        for message_id in due:
            container.process_outbox_message(message_id)
            processed += 1
    raise AssertionError("the outbox did not drain")


def fan_out() -> None:
    """Run only the event subscribers' messages: deliveries exist, nothing is sent yet."""
    from adapters.django_orm.platform.models import OutboxMessage

    container = bootstrap.container()
    for topics in ([ROUTE_TOPIC], None):  # routed first: the subscribers' messages of a routed publish
        for message_id in container.outbox_store.due_ids(now=container.clock.now(), limit=500):
            topic = OutboxMessage.objects.get(pk=message_id).topic
            if topic in topics if topics else topic.startswith(SUBSCRIBER_TOPIC_PREFIX):
                container.process_outbox_message(message_id)
