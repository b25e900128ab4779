"""The ERP sync records (table ``erp_sync_record``, created by the distributors app's migrations,
moved here without touching the table). The repository maps them to domain objects."""

from __future__ import annotations

import uuid

from django.db import models


class ErpSyncRecord(models.Model):
    """Where one object stands in SAP: a distributor's business partner or a payment's journal entry."""

    class Kind(models.TextChoices):
        BUSINESS_PARTNER = "business_partner"
        JOURNAL_ENTRY = "journal_entry"
        JOURNAL_REVERSAL = "journal_reversal"

    class Status(models.TextChoices):
        PENDING = "pending"
        SYNCED = "synced"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    # BusinessPartner number, or "company/document/fiscal year" for a journal entry.
    sap_id = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField(default=dict, blank=True)
    livemode = models.BooleanField(default=True)  # false: synced with the SAP simulator
    # Set while one worker runs an attempt; an expired lease lets another take over.
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "erp_sync_record"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="erp_sync_kind_object_uniq")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="erp_sync_created_idx"),
            models.Index(fields=["kind", "status", "-created_at"], name="erp_sync_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} [{self.status}]"
