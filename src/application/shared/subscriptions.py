"""The one way a context reacts to outbox messages: ``subscribe(topic, handler, max_attempts=…)``.

A topic is either a job topic a use case writes to the outbox ("payments.return.submit") or an
event subscriber's topic (``event.<name>``, see ``application.shared.events``), which also names
the event types it receives. Every context declares its subscriptions in
``application/<context>/handlers.py``; the composition root calls those and nothing else.

Subscribing is always fan-out: two contexts on one topic both run. Every handler runs even if an
earlier one fails; the first failure is then re-raised so the message is retried (handlers are
idempotent, so the ones that succeeded may safely run again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from application.shared.events import SUBSCRIBER_TOPIC_PREFIX, subscriber_topic
from application.shared.outbox import Attempt, OutboxHandler, handler_call


@dataclass(frozen=True, slots=True)
class Subscription:
    topic: str
    handler: OutboxHandler
    max_attempts: int | None = None
    # Event type patterns ("*", "payment.*", "payment.captured") when the topic is an event subscriber's.
    events: tuple[str, ...] = ()


class Subscriptions:
    """Every subscription of the running process, by topic."""

    def __init__(self) -> None:
        self._by_topic: dict[str, list[Subscription]] = {}
        # Read on every unit of work and every message: computed once per change, not per call.
        self._handlers: dict[str, OutboxHandler] | None = None
        self._budgets: dict[str, int] | None = None
        self._subscribers: dict[str, list[str]] | None = None

    def subscribe(
        self,
        topic: str,
        handler: OutboxHandler,
        *,
        max_attempts: int | None = None,
        events: Sequence[str] = (),
    ) -> None:
        """Adds ``handler`` to ``topic``; ``max_attempts`` is the topic's outbox attempt budget."""
        if events and not topic.startswith(SUBSCRIBER_TOPIC_PREFIX):
            raise ValueError(f"only event subscriber topics receive events, not {topic!r}")
        self._by_topic.setdefault(topic, []).append(
            Subscription(topic=topic, handler=handler, max_attempts=max_attempts, events=tuple(events))
        )
        self._handlers = self._budgets = self._subscribers = None

    def subscribe_events(
        self, name: str, events: Sequence[str], handler: OutboxHandler, *, max_attempts: int | None = None
    ) -> None:
        """The subscriber ``name`` gets its own outbox message for each event whose type matches ``events``."""
        self.subscribe(subscriber_topic(name), handler, max_attempts=max_attempts, events=events)

    def topics(self) -> list[str]:
        return list(self._by_topic)

    def handler(self, topic: str) -> OutboxHandler | None:
        subscriptions = self._by_topic.get(topic)
        if not subscriptions:
            return None
        if len(subscriptions) == 1:
            return subscriptions[0].handler
        return _fan_out([each.handler for each in subscriptions])

    def handlers(self) -> dict[str, OutboxHandler]:
        if self._handlers is None:
            found: dict[str, OutboxHandler] = {}
            for topic in self._by_topic:
                handler = self.handler(topic)
                if handler is not None:
                    found[topic] = handler
            self._handlers = found
        return self._handlers

    def max_attempts(self) -> dict[str, int]:
        """Per-topic attempt budgets: the largest any subscriber asked for (one message serves them all)."""
        if self._budgets is None:
            budgets: dict[str, int] = {}
            for topic, subscriptions in self._by_topic.items():
                asked = [each.max_attempts for each in subscriptions if each.max_attempts is not None]
                if asked:
                    budgets[topic] = max(asked)
            self._budgets = budgets
        return self._budgets

    def event_subscribers(self) -> dict[str, list[str]]:
        """Subscriber name -> event type patterns, for ``events_publish``."""
        if self._subscribers is None:
            found: dict[str, list[str]] = {}
            for topic, subscriptions in self._by_topic.items():
                patterns = [pattern for each in subscriptions for pattern in each.events]
                if patterns:
                    found[topic.removeprefix(SUBSCRIBER_TOPIC_PREFIX)] = patterns
            self._subscribers = found
        return self._subscribers


def _fan_out(handlers: list[OutboxHandler]) -> OutboxHandler:
    def fan_out(payload: dict[str, Any], *, attempt: Attempt) -> None:
        failure: Exception | None = None
        for each in handlers:
            try:
                handler_call(each, payload, attempt)
            except Exception as exc:  # noqa: BLE001 - the others still run; the first failure is re-raised
                failure = failure or exc
        if failure is not None:
            raise failure

    return fan_out
