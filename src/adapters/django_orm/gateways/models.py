"""The inbound event table. Rows map to domain.gateways.inbound_event.InboundEvent in repository.py."""

from __future__ import annotations

from django.db import models


class InboundEventRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    source = models.CharField(max_length=20)
    event_type = models.CharField(max_length=64, blank=True, default="")
    # Unique per source: a redelivered event finds its row instead of making a second one.
    dedupe_key = models.CharField(max_length=200)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True, default="")
    signature_valid = models.BooleanField()
    status = models.CharField(max_length=16)
    outcome = models.CharField(max_length=64, blank=True, default="")
    error = models.TextField(blank=True, default="")
    payment_id = models.CharField(max_length=64, blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField()
    last_received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "gateways_inbound_event"
        verbose_name = "inbound event"
        constraints = [models.UniqueConstraint(fields=["source", "dedupe_key"], name="inbound_event_dedupe")]
        indexes = [
            models.Index(fields=["received_at", "id"], name="inbound_event_time_idx"),
            models.Index(fields=["status", "received_at"], name="inbound_event_status_idx"),
            models.Index(fields=["payment_id"], name="inbound_event_payment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.event_type} [{self.status}]"
