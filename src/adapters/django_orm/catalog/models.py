"""Marketplace tables: services, variants with their free stock, reservations, invoices.

``Variant.available`` is the stock nobody holds. It only moves through single conditional
UPDATEs (``available = available - n WHERE available >= n``) and a CHECK keeps it at zero or more,
so no code path, admin edit or race can oversell.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from adapters.django_orm.identity.models import User


class ServiceRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vendor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="catalog_services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    category = models.CharField(max_length=64, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "catalog_service"
        verbose_name = "service"
        indexes = [
            models.Index(fields=["vendor", "created_at", "id"], name="catalog_service_vendor_idx"),
            models.Index(fields=["is_active", "created_at", "id"], name="catalog_service_act_idx"),
            models.Index(fields=["category"], name="catalog_service_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class VariantRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="variants")
    name = models.CharField(max_length=200)
    price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    available = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "catalog_variant"
        verbose_name = "variant"
        indexes = [models.Index(fields=["service", "created_at"], name="catalog_variant_service_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(available__gte=0), name="catalog_variant_available_gte_0"),
            models.CheckConstraint(condition=models.Q(price_minor__gt=0), name="catalog_variant_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} - {self.name}"


class ReservationRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    variant = models.ForeignKey(VariantRecord, on_delete=models.PROTECT, related_name="reservations")
    # The payments order (payments_order.id); one reservation per order.
    order_id = models.UUIDField(unique=True)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10)
    release_reason = models.CharField(max_length=20, blank=True, default="")
    late_payment = models.CharField(max_length=20, blank=True, default="")
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "catalog_reservation"
        verbose_name = "reservation"
        indexes = [
            # The expiry job's scan: only active rows, by expiry.
            models.Index(fields=["expires_at"], condition=models.Q(status="active"), name="catalog_resv_expiry_idx"),
            models.Index(fields=["variant", "status"], name="catalog_resv_variant_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="catalog_reservation_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "consumed", "released"]), name="catalog_reservation_status"
            ),
        ]


class InvoiceRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(unique=True)
    number = models.CharField(max_length=32, unique=True)
    period = models.CharField(max_length=6)
    seller_id = models.CharField(max_length=64)
    buyer_id = models.CharField(max_length=64, blank=True, default="")
    currency = models.CharField(max_length=3)
    subtotal_minor = models.BigIntegerField()
    tax_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField()
    tax_rate = models.CharField(max_length=16, default="0")
    # Parties and lines as printed, so the record explains the PDF without it.
    data = models.JSONField(default=dict, blank=True)
    pdf = models.BinaryField()
    issued_at = models.DateTimeField()

    class Meta:
        db_table = "catalog_invoice"
        verbose_name = "invoice"
        indexes = [models.Index(fields=["seller_id", "issued_at"], name="catalog_invoice_seller_idx")]

    def __str__(self) -> str:
        return self.number


class InvoiceSequence(models.Model):
    """The last invoice number used per month; incremented in the invoice's own transaction."""

    period = models.CharField(max_length=6, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "catalog_invoice_sequence"


class VendorAccount(User):
    """Vendors as the back office sees them (identity's user table, filtered to the vendor role)."""

    class Meta:
        proxy = True
        verbose_name = "vendor"
