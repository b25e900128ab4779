"""The Django outbox store on the real database: claims, leases, dedupe, sweeping, requeue."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox, DjangoOutboxStore

pytestmark = pytest.mark.django_db


def _add(topic: str = "t", **kwargs) -> OutboxMessage:
    marker = uuid.uuid4().hex
    DjangoOutbox().add(topic, {"marker": marker}, **kwargs)
    return OutboxMessage.objects.filter(payload__marker=marker).first() or OutboxMessage.objects.get(
        dedupe_key=kwargs.get("dedupe_key")
    )


def test_claim_is_exclusive_until_the_lease_expires():
    store, message = DjangoOutboxStore(), _add()
    now = timezone.now()
    first = store.claim(str(message.id), now=now, lease=timedelta(seconds=10))
    assert first is not None
    assert first.attempts == 1
    assert store.claim(str(message.id), now=now, lease=timedelta(seconds=10)) is None
    again = store.claim(str(message.id), now=now + timedelta(seconds=11), lease=timedelta(seconds=10))
    assert again is not None
    assert again.attempts == 2


def test_done_messages_are_never_claimed_again():
    store, message = DjangoOutboxStore(), _add()
    store.claim(str(message.id), now=timezone.now(), lease=timedelta(seconds=10))
    store.mark_done(str(message.id), now=timezone.now())
    assert store.claim(str(message.id), now=timezone.now() + timedelta(days=1), lease=timedelta(seconds=1)) is None


def test_dedupe_key_makes_the_second_add_a_no_op():
    _add(dedupe_key="same-effect")
    _add(dedupe_key="same-effect")
    assert OutboxMessage.objects.filter(dedupe_key="same-effect").count() == 1


def test_due_ids_include_pending_and_expired_leases_but_not_future_or_live():
    store = DjangoOutboxStore()
    pending = _add()
    future = _add(not_before=timezone.now() + timedelta(hours=1))
    live = _add()
    expired = _add()
    now = timezone.now()
    store.claim(str(live.id), now=now, lease=timedelta(minutes=5))
    store.claim(str(expired.id), now=now, lease=timedelta(seconds=-1))
    due = set(store.due_ids(now=now, limit=100))
    assert str(pending.id) in due
    assert str(expired.id) in due
    assert str(future.id) not in due
    assert str(live.id) not in due


def _add_then_fail() -> None:
    with transaction.atomic():
        _add(topic="rolled.back")
        raise RuntimeError("business change failed")


def test_rows_written_in_a_rolled_back_transaction_vanish():
    with pytest.raises(RuntimeError):
        _add_then_fail()
    assert not OutboxMessage.objects.filter(topic="rolled.back").exists()


def test_dead_message_can_be_requeued_with_fresh_attempts():
    store, message = DjangoOutboxStore(), _add()
    store.claim(str(message.id), now=timezone.now(), lease=timedelta(seconds=1))
    store.mark_dead(str(message.id), error="gave up", now=timezone.now())
    assert store.requeue(str(message.id), now=timezone.now())
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
