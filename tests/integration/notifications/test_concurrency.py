"""Concurrent workers on PostgreSQL: one delivery per (endpoint, event) and one send per delivery.

After a lease expires two workers can run the same outbox message; the unique (endpoint, event)
constraint and the outbox claim keep that from turning into duplicate deliveries or sends.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection

from adapters.django_orm.notifications.models import WebhookDelivery
from adapters.django_orm.platform.models import OutboxMessage
from domain.identity.user import Principal, Role
from domain.shared.events import DomainEvent
from entrypoints import bootstrap
from tests.e2e.notifications.receiver import start_receiver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_SCHEDULE = "0,0,0"
    bootstrap.reset_container()
    found = start_receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _together(action: Callable[[], object]) -> list[BaseException]:
    barrier, errors = threading.Barrier(WORKERS), []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            action()
        except BaseException as exc:  # reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_concurrent_fan_outs_and_workers_make_one_delivery_and_one_send(receiver):
    owner = str(uuid.uuid4())
    merchant = Principal(user_id=owner, role=Role.MERCHANT)
    container = bootstrap.container()
    notifications = container.notifications
    notifications.endpoint_create(owner_id=merchant.user_id, url=receiver.url("/a"), events=["*"], description="")
    notifications.endpoint_create(
        owner_id=merchant.user_id, url=receiver.url("/b"), events=["payment.*"], description=""
    )
    container.dispatch = None
    with container.uow() as uow:
        [event] = container.events_publish(uow.outbox, [DomainEvent(type="payment.captured", data={})], owner_id=owner)

    fan_out = container.subscriptions.handlers()["event.webhooks"]
    payload = {"event_id": event.id, "type": event.type, "owner_id": owner}
    # The losers of the race fail on the unique (endpoint, event) constraint and roll back whole;
    # the outbox would retry them, and a retry finds the deliveries there and adds nothing.
    errors = _together(lambda: fan_out(payload))
    assert all(isinstance(e, IntegrityError) for e in errors)
    assert len(errors) < WORKERS
    fan_out(payload)
    assert WebhookDelivery.objects.filter(event_id=event.id).count() == 2
    messages = list(OutboxMessage.objects.filter(topic="webhooks.deliver").values_list("id", flat=True))
    assert len(messages) == 2

    for message_id in messages:
        assert _together(lambda message_id=message_id: container.process_outbox_message(str(message_id))) == []
    assert sorted(r.path for r in receiver.requests) == ["/a", "/b"]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
