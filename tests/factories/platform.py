"""Shared platform rows: idempotency reservations and outbox messages."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.platform.models import IdempotencyRecord, OutboxMessage


class IdempotencyRecordFactory(DjangoModelFactory[IdempotencyRecord]):
    """An in-flight reservation (no response yet) unless the test sets one."""

    class Meta:
        model = IdempotencyRecord

    id = factory.LazyFunction(uuid.uuid4)
    scope = factory.LazyFunction(lambda: f"user:{uuid.uuid4()}")
    key = factory.Sequence(lambda n: f"key-{n}")
    fingerprint = "0" * 64
    created_at = factory.LazyFunction(timezone.now)


class OutboxMessageFactory(DjangoModelFactory[OutboxMessage]):
    class Meta:
        model = OutboxMessage

    id = factory.LazyFunction(uuid.uuid4)
    topic = "test.topic"
    payload = factory.LazyFunction(dict)
    status = "pending"
    next_attempt_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)
