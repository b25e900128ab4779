"""What the shared kernel does when its own outbox messages come due: route published events.

``events.route`` (written by ``events_publish`` when a publish's events are due to more than one
subscriber message): each subscriber's message, in one transaction of its own. Their dedupe keys make
a second run of the same routing message write nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

from application.shared.events import ROUTE_TOPIC, OutboxWriter
from application.shared.services import PlatformServices
from application.shared.subscriptions import Subscriptions

log = logging.getLogger("partnerpay.events")


class OutboxUnit(Protocol):
    """A unit of work whose outbox writes several messages at once (the platform's)."""

    outbox: OutboxWriter

    def __enter__(self) -> OutboxUnit: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def register(subscriptions: Subscriptions, platform: PlatformServices, unit_of_work: Callable[[], OutboxUnit]) -> None:
    def route(payload: dict[str, Any]) -> None:
        with unit_of_work() as unit:
            asked = platform.events_route(unit.outbox, payload)
        log.debug("events_routed", extra={"events": len(payload["events"]), "messages": asked})

    subscriptions.subscribe(ROUTE_TOPIC, route)
