"""Event publishing: one log entry per event, one outbox row per interested subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

from application.shared.events import Routes, events_publish, subscriber_topic, wants
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


def test_each_subscriber_gets_its_own_row_with_a_dedupe_key():
    log, outbox = Log(), MemoryOutbox()
    stored = events_publish(
        events=[DomainEvent("payment.captured", {"object": {"id": "p1"}}), DomainEvent("order.paid", {})],
        owner_id="m1",
        log=log,
        outbox=outbox,
        subscribers={"webhooks": ["*"], "earnings": ["payment.captured"], "erp": ["payment.refunded"]},
        now=NOW,
    )
    assert [e.type for e in log.events] == ["payment.captured", "order.paid"]
    assert all(e.id.startswith("evt_") and e.owner_id == "m1" for e in stored)
    topics = [row[0] for row in outbox.messages]
    assert topics.count(subscriber_topic("webhooks")) == 2
    assert topics.count(subscriber_topic("earnings")) == 1
    assert subscriber_topic("erp") not in topics
    assert len({row[2] for row in outbox.messages}) == len(outbox.messages)


def test_routes_match_each_type_once_and_publish_as_the_mapping_does():
    subscribers = {"webhooks": ["*"], "earnings": ["payment.captured"], "erp": ["payment.refunded"]}
    routes = Routes(subscribers)
    assert routes.of("payment.captured") == (("webhooks", "event.webhooks"), ("earnings", "event.earnings"))
    assert routes.of("order.paid") == (("webhooks", "event.webhooks"),)
    assert routes.of("payment.captured") is routes.of("payment.captured")
    events = [DomainEvent("payment.captured", {}), DomainEvent("order.paid", {})]
    by_mapping, by_routes = MemoryOutbox(), MemoryOutbox()
    for outbox, given in ((by_mapping, subscribers), (by_routes, routes)):
        [captured, paid] = events_publish(
            events=events, owner_id="m1", log=Log(), outbox=outbox, subscribers=given, now=NOW
        )
        assert [(m.topic, m.payload, m.dedupe_key) for m in outbox.messages] == [
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
    assert [m.topic for m in after.messages] == ["event.webhooks", "event.earnings"]
    assert len(log.events) == 2
