"""Delivery logic on fakes: schedule, outcomes, runs, the failing clock, the send-time SSRF re-check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from application.notifications import use_cases
from application.notifications.unit_of_work import REMEMBERED, notifications_news
from application.notifications.url_guard import destination_resolve, url_vet
from application.shared.events import StoredEvent
from application.shared.outbox import RetryLater
from application.shared.publishing_unit_of_work import PublishingUnitOfWork
from domain.notifications.delivery import AttemptTrigger, DeliveryStatus
from domain.notifications.endpoint import WebhookEndpoint
from domain.notifications.schedule import RetrySchedule
from domain.notifications.url_rules import UnsafeUrl
from tests.unit.notifications.fakes import (
    FakeResolver,
    FakeUnitOfWork,
    FixedClock,
    MemoryEvents,
    RecordingPublisher,
    ScriptedSender,
)

OWNER = "merchant-1"


@pytest.fixture
def world():
    uow, clock = FakeUnitOfWork(), FixedClock()
    endpoint = WebhookEndpoint.create(
        owner_id=OWNER, url="https://hooks.example.com/in", events=["*"], description="", now=clock.now()
    )
    uow.endpoints.add(endpoint)
    event = StoredEvent(
        id="evt_1", type="payment.captured", owner_id=OWNER, data={"object": {}}, created_at=clock.now()
    )
    assert use_cases.event_fan_out(uow=uow, events=MemoryEvents(event), event_id="evt_1", clock=clock) == 1
    [delivery] = uow.deliveries.rows.values()
    return uow, clock, endpoint, delivery


def _send(uow, clock, delivery, sender, *, attempt, publish=None, resolver=None, schedule=None, run=1, days=5.0):
    schedule = schedule or RetrySchedule.default()
    # As the services make it: the unit of work publishes what its endpoints emitted.
    unit = PublishingUnitOfWork(
        uow, remember=REMEMBERED, news=notifications_news, publish=publish or RecordingPublisher()
    )
    return use_cases.delivery_send(
        uow=unit,
        sender=sender,
        resolver=resolver or FakeResolver({"hooks.example.com": ["93.184.215.14"]}),
        clock=clock,
        policy=use_cases.DeliveryPolicy(schedule=schedule, disable_after=timedelta(days=days)),
        delivery_id=delivery.id,
        run=run,
        trigger=AttemptTrigger.SCHEDULED,
        attempt=attempt,
        max_attempts=schedule.max_attempts,
    )


def test_fan_out_writes_one_outbox_message_per_delivery_and_is_idempotent(world):
    uow, clock, _endpoint, delivery = world
    [(topic, payload, _key)] = uow.outbox.messages
    assert (topic, payload) == ("webhooks.deliver", {"delivery_id": delivery.id, "run": 1, "trigger": "scheduled"})
    event = StoredEvent(id="evt_1", type="payment.captured", owner_id=OWNER, data={}, created_at=clock.now())
    assert use_cases.event_fan_out(uow=uow, events=MemoryEvents(event), event_id="evt_1", clock=clock) == 0
    assert len(uow.outbox.messages) == 1


def test_each_failure_waits_as_the_schedule_says_and_the_last_gives_up(world):
    uow, clock, _endpoint, delivery = world
    schedule = RetrySchedule.default()
    sender = ScriptedSender(503)
    waits = []
    for attempt in range(1, schedule.max_attempts + 1):
        with pytest.raises(RetryLater) as raised:
            _send(uow, clock, delivery, sender, attempt=attempt)
        waits.append(raised.value.delay)
        if attempt == schedule.max_attempts:
            assert raised.value.give_up
    assert waits[:-1] == [timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000)]
    stored = uow.deliveries.rows[delivery.id]
    assert (stored.status, stored.attempt_count, stored.next_attempt_at) == (DeliveryStatus.FAILED, 8, None)
    assert len({headers["webhook-id"] for _d, _b, headers in sender.sent}) == 1


def test_headers_are_standard_webhooks_and_verify_with_the_library(world):
    uow, clock, endpoint, delivery = world
    sender = ScriptedSender(200)
    assert _send(uow, clock, delivery, sender, attempt=1) == "delivered"
    [(destination, body, headers)] = sender.sent
    assert destination.address == "93.184.215.14"
    assert destination.target.host == "hooks.example.com"
    assert headers["webhook-id"] == delivery.message_id
    assert headers["webhook-timestamp"] == str(int(clock.now().timestamp()))
    # standardwebhooks checks the timestamp against the real clock: sign again at "now" to verify.
    assert (
        Webhook(endpoint.secret).sign(delivery.message_id, clock.now(), body.decode()) == headers["webhook-signature"]
    )
    assert uow.deliveries.rows[delivery.id].status is DeliveryStatus.SUCCEEDED


def test_410_disables_the_endpoint_once_and_tells_the_owner(world):
    uow, clock, endpoint, delivery = world
    publisher = RecordingPublisher()
    with pytest.raises(RetryLater) as raised:
        _send(uow, clock, delivery, ScriptedSender(410), attempt=1, publish=publisher)
    assert raised.value.give_up
    stored = uow.endpoints.rows[endpoint.id]
    assert (stored.enabled, stored.disabled_reason) == (False, "gone")
    [(owner, event)] = publisher.published
    assert (owner, event.type, event.data["object"]["id"]) == (OWNER, "endpoint.disabled", endpoint.id)
    assert "secret" not in str(event.data)


def test_failing_for_the_configured_days_disables(world):
    uow, clock, endpoint, delivery = world
    publisher = RecordingPublisher()
    with pytest.raises(RetryLater):
        _send(uow, clock, delivery, ScriptedSender(None), attempt=1, publish=publisher)
    clock.advance(days=2)
    with pytest.raises(RetryLater):
        _send(uow, clock, delivery, ScriptedSender(None), attempt=2, publish=publisher, days=2)
    assert uow.endpoints.rows[endpoint.id].disabled_reason == "failing"
    assert [e.type for _o, e in publisher.published] == ["endpoint.disabled"]


def test_a_superseded_run_sends_nothing(world):
    uow, clock, _endpoint, delivery = world
    stored = uow.deliveries.rows[delivery.id]
    stored.rearm(now=clock.now())  # a manual retry started run 2
    sender = ScriptedSender(200)
    assert _send(uow, clock, delivery, sender, attempt=1, run=1) == "superseded"
    assert sender.sent == []


def test_send_time_dns_pointing_inside_is_refused_without_sending(world):
    uow, clock, _endpoint, delivery = world
    sender = ScriptedSender(200)
    with pytest.raises(RetryLater):
        _send(uow, clock, delivery, sender, attempt=1, resolver=FakeResolver({"hooks.example.com": ["10.0.0.8"]}))
    assert sender.sent == []
    [attempt] = uow.deliveries.attempts(delivery.id)
    assert attempt.status_code is None
    assert attempt.error.startswith("unsafe_url")


def test_registration_tolerates_unresolvable_names_but_not_private_answers():
    assert url_vet(url="https://later.example.com/x", resolver=FakeResolver(), allow_private=False).host
    with pytest.raises(UnsafeUrl):
        url_vet(
            url="https://x.example.com/",
            resolver=FakeResolver({"x.example.com": ["169.254.169.254"]}),
            allow_private=False,
        )
    resolver = FakeResolver({"ok.example.com": ["2606:4700::1111", "93.184.215.14"]})
    assert (
        destination_resolve(url="https://ok.example.com/", resolver=resolver, allow_private=False).address
        == "2606:4700::1111"
    )


def test_rotation_keeps_the_old_secret_for_24_hours(world):
    _uow, clock, endpoint, _delivery = world
    old = endpoint.secret
    new = endpoint.rotate_secret(now=clock.now())
    assert endpoint.signing_secrets(clock.now()) == [new, old]
    assert endpoint.signing_secrets(clock.now() + timedelta(hours=23, minutes=59)) == [new, old]
    assert endpoint.signing_secrets(clock.now() + timedelta(hours=24)) == [new]
    assert old not in repr(endpoint)
    assert new not in repr(endpoint)
