"""The ingested transaction table. Rows map to domain.ingest.transaction.Transaction in repository.py."""

from __future__ import annotations

from django.db import models


class IngestedTransaction(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "PROCESSING"
        PROCESSED = "PROCESSED"
        FAILED = "FAILED"

    # The sender's id is the identity; its unique index is what makes receiving idempotent.
    transaction_id = models.CharField(max_length=128, unique=True)
    source_account = models.CharField(max_length=128)
    destination_account = models.CharField(max_length=128)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    # Calls to the external processor that were started (recorded before each call).
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ingest_transaction"
        indexes = [models.Index(fields=["-created_at", "-id"], name="ingest_tx_created_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="ingest_tx_amount_positive")]

    def __str__(self) -> str:
        return f"{self.transaction_id} [{self.status}]"
