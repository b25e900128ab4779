"""Event publishing: one log entry per event, one outbox row per interested subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

from application.shared.events import events_publish, subscriber_topic, wants
from domain.shared.events import DomainEvent
from tests.fakes.outbox import MemoryOutbox

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Log:
    def __init__(self) -> None:
        self.events: list = []

    def append(self, event) -> None:
        self.events.append(event)


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
