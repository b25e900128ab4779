"""Distributor tables. Repositories map them to domain objects."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Distributor(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        ACTIVE = "active"
        SUSPENDED = "suspended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    legal_name = models.CharField(max_length=200)
    trade_name = models.CharField(max_length=200, blank=True, default="")
    # The unique indexes are what keep GSTIN and PAN unique under concurrent onboarding.
    gstin = models.CharField(max_length=15, unique=True)
    pan = models.CharField(max_length=10, unique=True)
    bank_account_number = models.CharField(max_length=18)
    ifsc = models.CharField(max_length=11)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True, default="")
    address_city = models.CharField(max_length=100)
    address_state = models.CharField(max_length=100)
    address_postal_code = models.CharField(max_length=6)
    address_country = models.CharField(max_length=2, default="IN")
    contact_person = models.CharField(max_length=200)
    email = models.CharField(max_length=254)
    phone = models.CharField(max_length=16)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    metadata = models.JSONField(default=dict, blank=True)
    # The distributor's own login, if it has one: one distributor record per such user.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributor",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "distributor"
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="distributor_created_idx"),
            models.Index(fields=["status", "-created_at"], name="distributor_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.gstin}) [{self.status}]"


class DistributorStatusChange(models.Model):
    """History: one row per status change, and one for the creation (``from_status`` empty)."""

    id = models.BigAutoField(primary_key=True)
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, blank=True, default="")
    to_status = models.CharField(max_length=12)
    # A user id, not a foreign key: history outlives whatever happens to the account.
    changed_by = models.UUIDField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, default="")
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "distributor_status_change"
        indexes = [models.Index(fields=["distributor", "changed_at", "id"], name="distributor_history_idx")]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} at {self.changed_at:%Y-%m-%d %H:%M}"
