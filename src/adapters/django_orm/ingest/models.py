"""The ingested transaction table. Rows map to domain.ingest.transaction.Transaction in repository.py."""

from __future__ import annotations

from django.db import models


class IngestedTransaction(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "PROCESSING"
        PROCESSED = "PROCESSED"
        FAILED = "FAILED"

    # The sender's id is the identity; its unique index (Meta.constraints) is what makes receiving
    # idempotent. A constraint, not unique=True: on PostgreSQL that adds a second, varchar_pattern_ops
    # index for LIKE lookups that nothing makes, and every insert would maintain it.
    transaction_id = models.CharField(max_length=128)
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
    # The registered source that sent it; empty for unsigned legacy senders (INGEST_ALLOW_UNSIGNED).
    source_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        db_table = "ingest_transaction"
        indexes = [models.Index(fields=["-created_at", "-id"], name="ingest_tx_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="ingest_tx_amount_positive"),
            models.UniqueConstraint(fields=["transaction_id"], name="ingest_tx_transaction_id_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} [{self.status}]"


class TransactionSourceRow(models.Model):
    """A registered, signing transaction sender (domain.ingest.source.TransactionSource)."""

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=100)
    secret = models.CharField(max_length=200)
    previous_secret = models.CharField(max_length=200, blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ingest_source"
        indexes = [models.Index(fields=["-created_at", "-id"], name="ingest_source_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class SourceMessageReceipt(models.Model):
    """Each ``webhook-id`` a source sent, so a replayed message stores nothing new.

    Kept a little longer than the signature tolerance: an older replay is refused as stale anyway.
    """

    source_id = models.CharField(max_length=64)
    message_id = models.CharField(max_length=128)
    received_at = models.DateTimeField()

    class Meta:
        db_table = "ingest_source_receipt"
        constraints = [models.UniqueConstraint(fields=["source_id", "message_id"], name="ingest_receipt_uniq")]
        indexes = [models.Index(fields=["received_at"], name="ingest_receipt_time_idx")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.message_id}"
