"""The shared kernel's use cases bound to their ports, as each context's ``<Context>Services`` are.

Every context publishes its events through ``events_publish`` (handed to it as its ``EventPublisher``) and
every worker runs an outbox message through ``process_outbox_message``. The composition root's
``Platform`` is this object with the Django adapters plugged in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from application.shared.events import EventLog, OutboxWriter, Routes, StoredEvent, events_publish, events_route
from application.shared.outbox import DEFAULT_LEASE, OutboxOutcome, OutboxStore, outbox_message_process
from application.shared.subscriptions import Subscriptions
from domain.shared.clock import Clock
from domain.shared.events import DomainEvent


@dataclass
class PlatformServices:
    clock: Clock
    event_log: EventLog
    outbox_store: OutboxStore
    # Every outbox handler and event subscriber, declared by application/<context>/handlers.py.
    subscriptions: Subscriptions
    outbox_lease: timedelta = DEFAULT_LEASE
    # Who gets which event type, worked out once per type for the subscriptions as they are now.
    _routes: Routes | None = field(default=None, init=False, repr=False, compare=False)

    def events_publish(self, outbox: Any, events: Sequence[DomainEvent], *, owner_id: str) -> list[StoredEvent]:
        """Call inside a unit of work with its outbox, so events commit with the change."""
        return events_publish(
            events=events,
            owner_id=owner_id,
            log=self.event_log,
            outbox=outbox,
            subscribers=self._current_routes(),
            now=self.clock.now(),
        )

    def events_route(self, outbox: OutboxWriter, payload: dict[str, Any]) -> int:
        """An ``events.route`` message's subscriber messages, written to ``outbox`` (a unit of work's)."""
        return events_route(payload, outbox=outbox, routes=self._current_routes())

    def _current_routes(self) -> Routes:
        subscribers = self.subscriptions.event_subscribers()
        routes = self._routes
        if routes is None or routes.subscribers is not subscribers:  # a subscription was added since
            routes = self._routes = Routes(subscribers)
        return routes

    def process_outbox_message(self, message_id: str) -> OutboxOutcome:
        return outbox_message_process(
            message_id=message_id,
            store=self.outbox_store,
            handlers=self.subscriptions.handlers(),
            clock=self.clock,
            lease=self.outbox_lease,
        )
