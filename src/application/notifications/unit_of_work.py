"""Notifications' units of work publish what their endpoints emitted (``endpoint.disabled``) as they commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from application.notifications.ports import EventPublisher, NotificationsUnitOfWork
from application.shared import publishing_unit_of_work
from application.shared.publishing_unit_of_work import News
from domain.notifications.endpoint import WebhookEndpoint
from domain.shared.events import DomainEvent

U = TypeVar("U", bound=NotificationsUnitOfWork)

# The repositories whose aggregates emit events.
REMEMBERED = ("endpoints",)


def notifications_news(unit: Any, seen: Sequence[Any]) -> News:
    """An endpoint's event carries the endpoint as events show it (no secrets), to its owner."""
    news: News = []
    for endpoint in seen:
        if isinstance(endpoint, WebhookEndpoint):
            events = [
                DomainEvent(event.type, {"object": endpoint.public_view(), **event.data}, aggregate_id=endpoint.id)
                for event in endpoint.pull_events()
            ]
            if events:
                news.append((endpoint.owner_id, events))
    return news


def publishing(new_unit: Callable[[], U], publish: Callable[[], EventPublisher]) -> Callable[[], U]:
    return publishing_unit_of_work.publishing(new_unit, remember=REMEMBERED, news=notifications_news, publish=publish)
