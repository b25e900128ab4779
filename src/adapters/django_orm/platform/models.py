"""Platform tables shared by every context."""

from __future__ import annotations

import uuid

from django.db import models


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        DONE = "done"
        DEAD = "dead"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    # A business key that makes enqueueing the same side effect twice a no-op.
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=10)
    next_attempt_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "outbox_message"
        # Every outbox row is written on a request's hot path, so each index costs there: the due scan's
        # index and the unique dedupe_key (``ON CONFLICT (dedupe_key)``) only. Migration 0004 dropped the
        # (topic, status) index (only the admin's topic filter used it) and the varchar_pattern_ops
        # index Django adds beside a unique varchar (no query matches dedupe_key with LIKE).
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.topic} {self.id} [{self.status}]"


class IdempotencyRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    locked_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "idempotency_record"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_uniq")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]


class EventRecord(models.Model):
    """The event log: every domain event as it was published (``GET /api/v1/events``)."""

    id = models.CharField(primary_key=True, max_length=40)
    type = models.CharField(max_length=100)
    owner_id = models.CharField(max_length=64, db_index=False)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "event_log"
        indexes = [
            models.Index(fields=["owner_id", "created_at", "id"], name="event_owner_time_idx"),
            models.Index(fields=["type", "created_at"], name="event_type_time_idx"),
            models.Index(fields=["created_at", "id"], name="event_time_idx"),
        ]
