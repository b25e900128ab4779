"""Reseller earnings tables: resellers, tiers, attributions, commissions, invoices, payouts, leads, activity.

Amounts are integer minor units of the program currency. The database itself guarantees
the rules a race could otherwise break: one commission per payment, one clawback per refund,
unique referral codes and invoice numbers, one attribution per account.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ResellerRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    user_id = models.CharField(max_length=64, unique=True)
    referral_code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=16, default="pending")
    business_name = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    website = models.CharField(max_length=500, blank=True, default="")
    pitch = models.TextField(blank=True, default="")
    tier = models.CharField(max_length=32, blank=True, default="")
    trailing_sales_minor = models.BigIntegerField(default=0)
    rejection_reason = models.CharField(max_length=500, blank=True, default="")
    decided_by = models.CharField(max_length=64, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "earnings_reseller"
        verbose_name = "reseller"
        indexes = [models.Index(fields=["status", "created_at", "id"], name="reseller_status_time_idx")]

    def __str__(self) -> str:
        return f"{self.referral_code} ({self.status})"


class TierRecord(models.Model):
    """The tier table: configuration, edited in the back office or with PUT /admin/earnings/tiers."""

    name = models.CharField(max_length=32, unique=True)
    min_sales_minor = models.BigIntegerField(unique=True, help_text="Trailing 12-month sales, minor units")
    rate_bps = models.PositiveIntegerField(help_text="Commission, basis points of the sale (2000 = 20 %)")
    bonus_bps = models.PositiveIntegerField(help_text="Tier bonus, basis points of the commission (1000 = 10 %)")

    class Meta:
        db_table = "earnings_tier"
        verbose_name = "tier"
        ordering = ["min_sales_minor"]
        constraints = [
            models.CheckConstraint(condition=Q(min_sales_minor__gte=0), name="tier_threshold_non_negative"),
            models.CheckConstraint(condition=Q(rate_bps__lte=10000), name="tier_rate_at_most_100pct"),
            models.CheckConstraint(condition=Q(bonus_bps__lte=10000), name="tier_bonus_at_most_100pct"),
        ]

    def __str__(self) -> str:
        return self.name


class AttributionRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    reseller = models.ForeignKey(ResellerRecord, on_delete=models.PROTECT, related_name="attributions")
    account_id = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=20)
    referral_code = models.CharField(max_length=16)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "earnings_attribution"
        verbose_name = "referral"
        indexes = [models.Index(fields=["reseller", "created_at", "id"], name="attribution_reseller_time_idx")]


class InvoiceCounter(models.Model):
    """One row per invoiced period, locked while a number is taken: numbers are gap-free."""

    period = models.CharField(max_length=6, primary_key=True)  # YYYYMM
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "earnings_invoice_counter"


class InvoiceRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    number = models.CharField(max_length=32, unique=True)
    reseller = models.ForeignKey(ResellerRecord, on_delete=models.PROTECT, related_name="invoices")
    period = models.CharField(max_length=7)  # YYYY-MM
    currency = models.CharField(max_length=3)
    total_minor = models.BigIntegerField()
    status = models.CharField(max_length=16, default="issued")
    issued_by = models.CharField(max_length=64, blank=True, default="")
    issued_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "earnings_invoice"
        verbose_name = "reseller invoice"
        indexes = [
            models.Index(fields=["reseller", "issued_at", "id"], name="invoice_reseller_time_idx"),
            models.Index(fields=["issued_at", "id"], name="invoice_time_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLineRecord(models.Model):
    invoice = models.ForeignKey(InvoiceRecord, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    commission_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    payment_id = models.CharField(max_length=64)
    description = models.CharField(max_length=500)
    sale_minor = models.BigIntegerField()
    amount_minor = models.BigIntegerField()
    earned_at = models.DateTimeField()

    class Meta:
        db_table = "earnings_invoice_line"
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
            models.UniqueConstraint(fields=["commission_id"], name="invoice_line_commission_once"),
        ]


class CommissionRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    reseller = models.ForeignKey(ResellerRecord, on_delete=models.PROTECT, related_name="commissions")
    kind = models.CharField(max_length=16, default="commission")
    status = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    payment_id = models.CharField(max_length=64)
    order_id = models.CharField(max_length=64, blank=True, default="")
    account_id = models.CharField(max_length=64, blank=True, default="")
    sale_minor = models.BigIntegerField(default=0)
    refunded_sale_minor = models.BigIntegerField(default=0)
    tier = models.CharField(max_length=32, blank=True, default="")
    rate_bps = models.PositiveIntegerField(default=0)
    bonus_bps = models.PositiveIntegerField(default=0)
    base_minor = models.BigIntegerField(default=0)
    bonus_minor = models.BigIntegerField(default=0)
    original_minor = models.BigIntegerField(default=0)
    amount_minor = models.BigIntegerField()
    clawed_back_minor = models.BigIntegerField(default=0)
    # The payment's refunds by refund id: amount, counted/failed, what each took back and how (see the domain).
    refunds = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="clawbacks")
    source_key = models.CharField(max_length=100, blank=True, default="")
    hold_until = models.DateTimeField(null=True, blank=True)
    invoice = models.ForeignKey(
        InvoiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="commissions"
    )
    reason = models.CharField(max_length=500, blank=True, default="")
    decided_by = models.CharField(max_length=64, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "earnings_commission"
        verbose_name = "commission"
        indexes = [
            models.Index(fields=["reseller", "created_at", "id"], name="commission_reseller_time_idx"),
            models.Index(fields=["reseller", "status", "kind"], name="commission_reseller_status_idx"),
            models.Index(fields=["status", "hold_until"], name="commission_hold_idx"),
            models.Index(fields=["created_at", "id"], name="commission_time_idx"),
        ]
        constraints = [
            # A replayed payment.captured creates nothing: one commission per payment, enforced here.
            models.UniqueConstraint(
                fields=["payment_id"], condition=Q(kind="commission"), name="earnings_one_commission_per_payment"
            ),
            models.UniqueConstraint(
                fields=["parent", "source_key"], condition=Q(kind="clawback"), name="earnings_one_clawback_per_refund"
            ),
            # A failed refund gives back once.
            models.UniqueConstraint(
                fields=["parent", "source_key"],
                condition=Q(kind="adjustment"),
                name="earnings_one_adjustment_per_refund",
            ),
            models.CheckConstraint(
                condition=(Q(kind="commission") & Q(amount_minor__gte=0))
                | (Q(kind="clawback") & Q(amount_minor__lt=0))
                | (Q(kind="adjustment") & Q(amount_minor__gt=0)),
                name="earnings_commission_sign",
            ),
        ]


class PayoutRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    reseller = models.ForeignKey(ResellerRecord, on_delete=models.PROTECT, related_name="payouts")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=20)
    destination = models.CharField(max_length=300)
    status = models.CharField(max_length=16, default="requested")
    reference = models.CharField(max_length=100, blank=True, default="")
    failure_reason = models.CharField(max_length=500, blank=True, default="")
    rejection_reason = models.CharField(max_length=500, blank=True, default="")
    decided_by = models.CharField(max_length=64, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    livemode = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "earnings_payout"
        verbose_name = "payout"
        indexes = [
            models.Index(fields=["reseller", "created_at", "id"], name="payout_reseller_time_idx"),
            models.Index(fields=["reseller", "status"], name="payout_reseller_status_idx"),
            models.Index(fields=["created_at", "id"], name="payout_time_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_amount_positive")]


class LeadRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    reseller = models.ForeignKey(ResellerRecord, on_delete=models.PROTECT, related_name="leads")
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True, default="")
    email = models.CharField(max_length=254, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, default="new")
    lost_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "earnings_lead"
        verbose_name = "lead"
        indexes = [
            models.Index(fields=["reseller", "created_at", "id"], name="lead_reseller_time_idx"),
            models.Index(fields=["reseller", "status"], name="lead_reseller_status_idx"),
            models.Index(fields=["created_at", "id"], name="lead_time_idx"),
        ]


class ActivityRecord(models.Model):
    """Append-only: every earnings state change, written in the transaction that made it."""

    id = models.UUIDField(primary_key=True)
    reseller = models.ForeignKey(ResellerRecord, on_delete=models.PROTECT, related_name="activity")
    actor_id = models.CharField(max_length=64, blank=True, default="")
    action = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "earnings_activity"
        verbose_name = "activity entry"
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["reseller", "created_at", "id"], name="activity_reseller_time_idx")]
