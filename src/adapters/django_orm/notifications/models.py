"""Webhook endpoints, deliveries (one per event and endpoint) and attempts (one per HTTP call)."""

from __future__ import annotations

import uuid

from django.db import models

from adapters.django_orm.shared.fields import EncryptedCharField

# HKDF purpose label of the key that encrypts webhook signing secrets at rest.
SECRET_PURPOSE = "partnerpay/notifications/endpoint-secret/v1"  # noqa: S105 - a label, not a secret


class WebhookEndpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_id = models.CharField(max_length=64)
    url = models.CharField(max_length=2000)
    events = models.JSONField(default=list)
    description = models.CharField(max_length=500, blank=True, default="")
    # It must sign, so it cannot be a hash: encrypted at rest (adapters.crypto, a key derived from
    # SECRET_KEY), in clear only in memory. Never rendered after creation, never logged.
    secret = EncryptedCharField(max_length=255, purpose=SECRET_PURPOSE)
    previous_secret = EncryptedCharField(max_length=255, blank=True, default="", purpose=SECRET_PURPOSE)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=20, blank=True, default="")
    disabled_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "webhook_endpoint"
        indexes = [models.Index(fields=["owner_id", "created_at", "id"], name="webhook_ep_owner_idx")]

    def __str__(self) -> str:
        return f"{self.url} ({self.id})"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    owner_id = models.CharField(max_length=64)
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=100)
    # The exact JSON text sent on every attempt (ASCII-only, so its bytes never depend on an encoding).
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    run = models.PositiveIntegerField(default=1)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "webhook_delivery"
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["endpoint", "created_at", "id"], name="webhook_dl_ep_time_idx"),
            models.Index(fields=["endpoint", "status", "created_at"], name="webhook_dl_ep_status_idx"),
            models.Index(fields=["endpoint", "event_type", "created_at"], name="webhook_dl_ep_type_idx"),
            models.Index(fields=["owner_id", "created_at"], name="webhook_dl_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.endpoint_id} [{self.status}]"


class WebhookAttempt(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    run = models.PositiveIntegerField(default=1)
    trigger = models.CharField(max_length=20)
    attempted_at = models.DateTimeField()
    webhook_timestamp = models.BigIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_body = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "webhook_attempt"
        indexes = [models.Index(fields=["delivery", "number"], name="webhook_attempt_dl_idx")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.status_code or self.error[:40]}"
