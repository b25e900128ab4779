"""Publishing domain events: an event log row each, and at most one outbox row per publish.

Events are facts with the resource as it was. Publishing happens inside the business
transaction, so an event exists if and only if the change committed. Each subscriber
(outbound webhooks, commissions, ERP journal entries, ...) gets its own outbox message,
so one failing consumer never holds back the others.

The request that publishes writes one outbox row whatever the number of subscribers: the
subscriber's own message when exactly one is due, otherwise one ``events.route`` message that a
worker turns into every subscriber's message (``events_route``). A card payment's two events reach
five subscribers; writing one row instead of five in the payment's last statement keeps the money
path short, and the routing job writes the same five messages, dedupe keys and all, in its own
transaction (run twice, it writes them once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.shared.events import DomainEvent
from domain.shared.ids import new_id

SUBSCRIBER_TOPIC_PREFIX = "event."
# The message a publish writes when its events are due to more than one subscriber message.
ROUTE_TOPIC = "events.route"


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: str
    type: str
    owner_id: str
    data: dict[str, Any]
    created_at: datetime


class EventLog(Protocol):
    def append(self, *events: StoredEvent) -> None:
        """Stores ``events`` in this order (one call per publish: the rows of one commit go together)."""
        ...


# An outbox message due now: (topic, payload, dedupe key).
Message = tuple[str, dict[str, Any], str | None]


class OutboxWriter(Protocol):
    def add(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> None: ...

    def add_all(self, messages: Sequence[Message]) -> None:
        """``add(topic, payload, dedupe_key=key)`` for each message, in this order, all due now.

        One call for what one publish writes: what every row shares (the time, the transaction) is
        looked up once rather than per row."""
        ...


def subscriber_topic(subscriber: str) -> str:
    return f"{SUBSCRIBER_TOPIC_PREFIX}{subscriber}"


def wants(patterns: Sequence[str], event_type: str) -> bool:
    return any(p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])) for p in patterns)


class Routes:
    """Which subscribers get an event of each type, as (name, topic): matched once per type, not per event.

    Built over one subscribers mapping (``Subscriptions.event_subscribers()``, which makes a new one
    whenever a subscription is added), so what it remembered holds as long as that mapping does."""

    __slots__ = ("_by_type", "subscribers")

    def __init__(self, subscribers: Mapping[str, Sequence[str]]) -> None:
        self.subscribers = subscribers
        self._by_type: dict[str, tuple[tuple[str, str], ...]] = {}

    def of(self, event_type: str) -> tuple[tuple[str, str], ...]:
        found = self._by_type.get(event_type)
        if found is None:
            found = self._by_type[event_type] = tuple(
                (name, subscriber_topic(name))
                for name, patterns in self.subscribers.items()
                if wants(patterns, event_type)
            )
        return found


def events_publish(
    *,
    events: Sequence[DomainEvent],
    owner_id: str,
    log: EventLog,
    outbox: OutboxWriter,
    subscribers: Mapping[str, Sequence[str]] | Routes,
    now: datetime,
) -> list[StoredEvent]:
    """Store each event and queue it for every subscriber whose patterns match its type: that subscriber's
    message when only one is due, else one ``events.route`` message (see the module's docstring).

    All of one call's rows go to the log and the outbox in one call each."""
    routes = subscribers if isinstance(subscribers, Routes) else Routes(subscribers)
    stored = [
        StoredEvent(id=f"evt_{new_id().hex}", type=event.type, owner_id=owner_id, data=event.data, created_at=now)
        for event in events
    ]
    log.append(*stored)
    due = subscriber_messages(routes, owner_id, [(record.id, record.type) for record in stored])
    if len(due) > 1:
        # Routed by a worker: one row here, the subscribers' rows in their own transaction.
        due = [(ROUTE_TOPIC, {"owner_id": owner_id, "events": [[record.id, record.type] for record in stored]}, None)]
    outbox.add_all(due)
    return stored


def events_route(payload: dict[str, Any], *, outbox: OutboxWriter, routes: Routes) -> int:
    """An ``events.route`` message's events to their subscribers: the messages ``events_publish`` would have
    written itself, each with its dedupe key (so a routing job that runs again adds nothing). Call inside a
    unit of work with its outbox; returns how many messages were asked for."""
    events = [(str(event_id), str(event_type)) for event_id, event_type in payload["events"]]
    due = subscriber_messages(routes, str(payload["owner_id"]), events)
    outbox.add_all(due)
    return len(due)


def subscriber_messages(routes: Routes, owner_id: str, events: Sequence[tuple[str, str]]) -> list[Message]:
    """Each subscriber's message for each (event id, type) it wants, deduplicated by subscriber and event."""
    return [
        (topic, {"event_id": event_id, "type": event_type, "owner_id": owner_id}, f"{name}:{event_id}")
        for event_id, event_type in events
        for name, topic in routes.of(event_type)
    ]
