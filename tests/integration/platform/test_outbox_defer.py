"""A deferred message (endpoint paused or at its cap) gives its attempt back and says when it is due."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox, DjangoOutboxStore
from application.shared.outbox import RetryLater, outbox_message_process
from domain.shared.clock import SystemClock
from entrypoints.tasks.queues import queue_for

pytestmark = pytest.mark.django_db


def _add(topic: str) -> str:
    marker = uuid.uuid4().hex
    DjangoOutbox().add(topic, {"marker": marker})
    return str(OutboxMessage.objects.get(payload__marker=marker).id)


def test_deferral_spends_no_attempt_and_reports_when_it_is_due() -> None:
    message_id = _add("webhooks.deliver")

    def paused(payload: dict) -> None:
        raise RetryLater("endpoint paused", delay=timedelta(seconds=30), defer=True)

    outcome = outbox_message_process(
        message_id=message_id, store=DjangoOutboxStore(), handlers={"webhooks.deliver": paused}, clock=SystemClock()
    )
    row = OutboxMessage.objects.get(pk=message_id)
    assert outcome.status == "deferred"
    assert row.status == "pending"
    assert row.attempts == 0
    assert outcome.next_attempt_at is not None
    assert outcome.next_attempt_at > timezone.now() + timedelta(seconds=25)


@pytest.mark.parametrize(
    ("topic", "queue"),
    [
        ("ingest.transaction.process", "ingest"),
        ("webhooks.deliver", "webhooks"),
        ("erp.business_partner.upsert", "sync"),
        ("erp.journal_entry.post", "sync"),
        ("event.webhooks", "default"),
        ("earnings.invoice.render", "default"),
        ("gateways.inbound.process", "sync"),
        ("payments.return.submit", "sync"),
        ("payments.cancel_at_provider", "sync"),
        ("earnings.payout.process", "sync"),
    ],
)
def test_topics_are_routed_to_their_workload_queue(topic: str, queue: str) -> None:
    assert queue_for(topic) == queue
