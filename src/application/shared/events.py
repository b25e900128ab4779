"""Publishing domain events: an event log row plus one outbox row per interested subscriber.

Events are facts with the resource as it was. Publishing happens inside the business
transaction, so an event exists if and only if the change committed. Each subscriber
(outbound webhooks, commissions, ERP journal entries, ...) gets its own outbox message,
so one failing consumer never holds back the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.shared.events import DomainEvent
from domain.shared.ids import new_id

SUBSCRIBER_TOPIC_PREFIX = "event."


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: str
    type: str
    owner_id: str
    data: dict[str, Any]
    created_at: datetime


class EventLog(Protocol):
    def append(self, event: StoredEvent) -> None: ...


class OutboxWriter(Protocol):
    def add(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> None: ...


def subscriber_topic(subscriber: str) -> str:
    return f"{SUBSCRIBER_TOPIC_PREFIX}{subscriber}"


def wants(patterns: Sequence[str], event_type: str) -> bool:
    return any(p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])) for p in patterns)


def events_publish(
    *,
    events: Sequence[DomainEvent],
    owner_id: str,
    log: EventLog,
    outbox: OutboxWriter,
    subscribers: Mapping[str, Sequence[str]],
    now: datetime,
) -> list[StoredEvent]:
    """Store each event and queue it for every subscriber whose patterns match its type."""
    stored: list[StoredEvent] = []
    for event in events:
        record = StoredEvent(
            id=f"evt_{new_id().hex}", type=event.type, owner_id=owner_id, data=event.data, created_at=now
        )
        log.append(record)
        for name, patterns in subscribers.items():
            if wants(patterns, event.type):
                outbox.add(
                    subscriber_topic(name),
                    {"event_id": record.id, "type": record.type, "owner_id": owner_id},
                    dedupe_key=f"{name}:{record.id}",
                )
        stored.append(record)
    return stored
