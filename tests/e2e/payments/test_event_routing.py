"""A publish writes one outbox row; the routing job writes every subscriber's, once (real database).

A card payment publishes ``payment.captured`` and ``order.paid``, which five subscriber messages want:
the payment's last statement writes a single ``events.route`` row, and the worker that runs it writes
the five messages a publish used to write itself, with the same payloads and dedupe keys.
"""

from __future__ import annotations

import json

import pytest

from adapters.django_orm.platform.models import EventRecord, OutboxMessage
from application.shared.events import ROUTE_TOPIC, SUBSCRIBER_TOPIC_PREFIX, Routes
from entrypoints import bootstrap
from tests.e2e.payments.conftest import create_order, pay_card

pytestmark = pytest.mark.django_db


def _event_messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(topic__startswith=SUBSCRIBER_TOPIC_PREFIX).order_by("created_at", "id"))


def _expected(events: list[EventRecord]) -> list[tuple[str, dict[str, str], str]]:
    """What a publish of ``events`` asks for: each subscriber's message for each event it wants."""
    routes = Routes(bootstrap.container().subscriptions.event_subscribers())
    return [
        (topic, {"event_id": event.id, "type": event.type, "owner_id": event.owner_id}, f"{name}:{event.id}")
        for event in events
        for name, topic in routes.of(event.type)
    ]


def _canonical(messages) -> list[tuple[str, str, str | None]]:
    """Messages in one order whatever order they were written and their payloads' keys were stored in."""
    return sorted((topic, json.dumps(payload, sort_keys=True), key) for topic, payload, key in messages)


def test_a_card_payment_writes_one_routing_row_and_routing_writes_each_subscribers_message_once(http, merchant):
    order = create_order(http, merchant)
    OutboxMessage.objects.all().delete()  # the order's own news is not what is looked at here
    answer = pay_card(http, merchant, order["id"])
    assert answer.status_code == 201, answer.content

    paid = EventRecord.objects.filter(data__object__id__in=[answer.json()["id"], order["id"]]).exclude(
        type="order.created"
    )
    events = sorted(paid, key=lambda e: e.type != "payment.captured")  # published payment first, then order
    assert [e.type for e in events] == ["payment.captured", "order.paid"]
    [route] = OutboxMessage.objects.all()
    assert route.topic == ROUTE_TOPIC
    assert route.dedupe_key is None
    assert route.payload == {"owner_id": merchant["user"]["id"], "events": [[e.id, e.type] for e in events]}
    expected = _expected(events)
    assert len(expected) > 1  # why the payment routes rather than writing them itself

    container = bootstrap.container()
    assert container.process_outbox_message(str(route.id)).status == "done"
    written = _event_messages()
    assert _canonical((m.topic, m.payload, m.dedupe_key) for m in written) == _canonical(expected)
    assert all(m.status == OutboxMessage.Status.PENDING for m in written)

    # A worker that died after routing committed and before the message was marked done: it runs again.
    OutboxMessage.objects.filter(pk=route.pk).update(status=OutboxMessage.Status.PENDING)
    assert container.process_outbox_message(str(route.id)).status == "done"
    assert [m.id for m in _event_messages()] == [m.id for m in written]


def test_news_for_one_subscriber_message_is_written_directly(http, merchant):
    order = create_order(http, merchant)
    [created] = EventRecord.objects.filter(type="order.created", data__object__id=order["id"])
    expected = _expected([created])
    assert len(expected) == 1  # order.created: the webhooks subscriber only
    assert [(m.topic, m.payload, m.dedupe_key) for m in _event_messages()] == expected
    assert not OutboxMessage.objects.filter(topic=ROUTE_TOPIC).exists()
