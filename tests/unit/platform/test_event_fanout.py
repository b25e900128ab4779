"""Event publishing: one log entry per event; one outbox row per interested subscriber, written by the
publish itself when there is one, else by the routing job its single ``events.route`` row asks for."""

from __future__ import annotations

from datetime import UTC, datetime

from application.shared.events import ROUTE_TOPIC, Routes, events_publish, events_route, subscriber_topic, wants
from application.shared.services import PlatformServices
from application.shared.subscriptions import Subscriptions
from domain.shared.clock import SystemClock
from domain.shared.events import DomainEvent
from tests.fakes.outbox import MemoryOutbox

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Log:
    def __init__(self) -> None:
        self.events: list = []

    def append(self, *events) -> None:
        self.events.extend(events)


def test_patterns():
    assert wants(["*"], "payment.captured")
    assert wants(["payment.*"], "payment.captured")
    assert not wants(["payment.*"], "order.paid")
    assert wants(["order.paid", "payment.refunded"], "payment.refunded")
    assert not wants([], "payment.refunded")


SUBSCRIBERS = {"webhooks": ["*"], "earnings": ["payment.captured"], "erp": ["payment.refunded"]}


def _publish(outbox: MemoryOutbox, events: list[DomainEvent], subscribers=SUBSCRIBERS, log: Log | None = None):
    return events_publish(
        events=events, owner_id="m1", log=log or Log(), outbox=outbox, subscribers=subscribers, now=NOW
    )


def test_events_due_to_several_subscribers_leave_one_routing_row_and_routing_writes_each_subscribers_row():
    log, outbox = Log(), MemoryOutbox()
    stored = _publish(
        outbox,
        [DomainEvent("payment.captured", {"object": {"id": "p1"}}), DomainEvent("order.paid", {})],
        log=log,
    )
    assert [e.type for e in log.events] == ["payment.captured", "order.paid"]
    assert all(e.id.startswith("evt_") and e.owner_id == "m1" for e in stored)
    [captured, paid] = stored
    assert outbox.messages == [
        (ROUTE_TOPIC, {"owner_id": "m1", "events": [[captured.id, "payment.captured"], [paid.id, "order.paid"]]}, None)
    ]
    routed = MemoryOutbox()
    assert events_route(outbox.messages[0].payload, outbox=routed, routes=Routes(SUBSCRIBERS)) == 3
    topics = [row.topic for row in routed.messages]
    assert topics.count(subscriber_topic("webhooks")) == 2
    assert topics.count(subscriber_topic("earnings")) == 1
    assert subscriber_topic("erp") not in topics
    assert len({row.dedupe_key for row in routed.messages}) == len(routed.messages)


def test_routing_writes_what_publishing_each_row_itself_would_have_and_twice_is_once():
    routes = Routes(SUBSCRIBERS)
    assert routes.of("payment.captured") == (("webhooks", "event.webhooks"), ("earnings", "event.earnings"))
    assert routes.of("order.paid") == (("webhooks", "event.webhooks"),)
    assert routes.of("payment.captured") is routes.of("payment.captured")
    published = MemoryOutbox()
    [captured, paid] = _publish(published, [DomainEvent("payment.captured", {}), DomainEvent("order.paid", {})], routes)
    routed = MemoryOutbox()
    events_route(published.messages[0].payload, outbox=routed, routes=routes)
    # A worker that dies after writing and runs the message again: the dedupe keys keep one of each.
    events_route(published.messages[0].payload, outbox=routed, routes=routes)
    assert [(m.topic, m.payload, m.dedupe_key) for m in routed.messages] == [
        (
            "event.webhooks",
            {"event_id": captured.id, "type": "payment.captured", "owner_id": "m1"},
            f"webhooks:{captured.id}",
        ),
        (
            "event.earnings",
            {"event_id": captured.id, "type": "payment.captured", "owner_id": "m1"},
            f"earnings:{captured.id}",
        ),
        ("event.webhooks", {"event_id": paid.id, "type": "order.paid", "owner_id": "m1"}, f"webhooks:{paid.id}"),
    ]


def test_events_due_to_one_subscriber_go_to_it_directly_and_events_nobody_wants_write_nothing():
    direct = MemoryOutbox()
    [created] = _publish(direct, [DomainEvent("order.created", {})])
    assert [(m.topic, m.payload, m.dedupe_key) for m in direct.messages] == [
        (
            "event.webhooks",
            {"event_id": created.id, "type": "order.created", "owner_id": "m1"},
            f"webhooks:{created.id}",
        )
    ]
    nobody = MemoryOutbox()
    log = Log()
    _publish(nobody, [DomainEvent("order.created", {})], subscribers={"erp": ["payment.refunded"]}, log=log)
    assert nobody.messages == []
    assert len(log.events) == 1


def test_a_subscriber_added_later_gets_the_events_published_after_it():
    subscriptions = Subscriptions()
    subscriptions.subscribe_events("webhooks", ["*"], lambda payload: None)
    log = Log()
    platform = PlatformServices(clock=SystemClock(), event_log=log, outbox_store=None, subscriptions=subscriptions)  # type: ignore[arg-type]
    before, after = MemoryOutbox(), MemoryOutbox()
    platform.events_publish(before, [DomainEvent("payment.captured", {})], owner_id="m1")
    subscriptions.subscribe_events("earnings", ["payment.captured"], lambda payload: None)
    platform.events_publish(after, [DomainEvent("payment.captured", {})], owner_id="m1")
    assert [m.topic for m in before.messages] == ["event.webhooks"]
    assert [m.topic for m in after.messages] == [ROUTE_TOPIC]
    routed = MemoryOutbox()
    platform.events_route(routed, after.messages[0].payload)
    assert [m.topic for m in routed.messages] == ["event.webhooks", "event.earnings"]
    assert len(log.events) == 2
