"""Orders, payments, refunds and the per-merchant daily counters behind the stats endpoints.

Amounts are integer minor units with their ISO 4217 currency. No card number or CVV is
ever stored: brand, BIN, last 4, expiry and a keyed fingerprint only (PCI DSS 3.3-3.5).
"""

from __future__ import annotations

from django.db import models


class OrderRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=20, default="merchant")
    seller_id = models.CharField(max_length=64)
    buyer_id = models.CharField(max_length=64, null=True, blank=True)
    amount_minor = models.BigIntegerField()
    amount_refunded_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=24)
    description = models.CharField(max_length=500, blank=True, default="")
    reference = models.CharField(max_length=128, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    status_before_refund = models.CharField(max_length=24, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "payments_order"
        indexes = [
            models.Index(fields=["seller_id", "created_at", "id"], name="order_seller_time_idx"),
            models.Index(fields=["buyer_id", "created_at", "id"], name="order_buyer_time_idx"),
            models.Index(fields=["status", "created_at"], name="order_status_time_idx"),
            models.Index(fields=["created_at", "id"], name="order_time_idx"),
            # Merchant orders with an expiry that nobody paid: the expiry job's scan.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status__in=["created", "failed"], expires_at__isnull=False),
                name="order_open_expiry_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="order_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded_minor__gte=0)
                & models.Q(amount_refunded_minor__lte=models.F("amount_minor")),
                name="order_refund_within_amount",
            ),
        ]


class PaymentRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    # No index of its own: payment_order_status_idx (order, status) serves every lookup by order.
    order = models.ForeignKey(OrderRecord, on_delete=models.PROTECT, related_name="payments", db_index=False)
    seller_id = models.CharField(max_length=64)
    buyer_id = models.CharField(max_length=64, null=True, blank=True)
    method = models.CharField(max_length=20)
    status = models.CharField(max_length=24)
    amount_minor = models.BigIntegerField()
    amount_captured_minor = models.BigIntegerField(default=0)
    amount_refunded_minor = models.BigIntegerField(default=0)
    # Reserved by refund intents the provider has not answered yet (phase 1 of a refund).
    refund_pending_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    card_brand = models.CharField(max_length=20, blank=True, default="")
    card_bin = models.CharField(max_length=8, blank=True, default="")
    card_last4 = models.CharField(max_length=4, blank=True, default="")
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    card_fingerprint = models.CharField(max_length=64, blank=True, default="")
    gateway_reference = models.CharField(max_length=128, blank=True, default="")
    redirect_url = models.URLField(max_length=2000, null=True, blank=True)
    gateway_data = models.JSONField(default=dict, blank=True)
    failure_code = models.CharField(max_length=64, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    attempts = models.JSONField(default=list, blank=True)
    livemode = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # None until the provider's answer to the start was applied (phase 3); recovery looks for these.
    started_at = models.DateTimeField(null=True, blank=True)
    # When reconciliation next asks the provider; None once settled. check_count drives the backoff.
    next_check_at = models.DateTimeField(null=True, blank=True)
    check_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "payments_payment"
        indexes = [
            models.Index(fields=["seller_id", "created_at", "id"], name="payment_seller_time_idx"),
            models.Index(fields=["buyer_id", "created_at", "id"], name="payment_buyer_time_idx"),
            models.Index(fields=["order", "status"], name="payment_order_status_idx"),
            models.Index(fields=["method", "gateway_reference"], name="payment_gateway_ref_idx"),
            models.Index(fields=["created_at", "id"], name="payment_time_idx"),
            models.Index(
                fields=["next_check_at"], condition=models.Q(next_check_at__isnull=False), name="payment_due_check_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_captured_minor__lte=models.F("amount_minor"))
                & models.Q(amount_refunded_minor__lte=models.F("amount_captured_minor"))
                & models.Q(amount_refunded_minor__gte=0),
                name="payment_amounts_consistent",
            ),
            models.CheckConstraint(
                condition=models.Q(refund_pending_minor__gte=0)
                & models.Q(
                    refund_pending_minor__lte=models.F("amount_captured_minor") - models.F("amount_refunded_minor")
                ),
                name="payment_refund_reservation_fits",
            ),
            # At most one payment holds the money of an order; a second capture is a database error.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status__in=["authorized", "captured", "partially_refunded", "refunded"]),
                name="payment_one_success_per_order",
            ),
            # At most one start per order awaits the provider's answer (phase 1 records one only if none
            # does); the index lets phase 1 record it without locking the order first (first_start.py).
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="pending", started_at__isnull=True),
                name="payment_one_start_awaited_per_order",
            ),
        ]


class RefundRecord(models.Model):
    id = models.UUIDField(primary_key=True)
    payment = models.ForeignKey(PaymentRecord, on_delete=models.PROTECT, related_name="refunds")
    order_id = models.UUIDField()
    seller_id = models.CharField(max_length=64)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, default="refund")
    reason = models.CharField(max_length=500, blank=True, default="")
    gateway_reference = models.CharField(max_length=128, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    accepted_at = models.DateTimeField(null=True, blank=True)
    reversed = models.BooleanField(default=False)
    livemode = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payments_refund"
        indexes = [
            models.Index(fields=["seller_id", "created_at", "id"], name="refund_seller_time_idx"),
            models.Index(fields=["created_at", "id"], name="refund_time_idx"),
            # Intents whose provider answer was never applied: the recovery job's scan.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending", accepted_at__isnull=True),
                name="refund_requested_idx",
            ),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="refund_amount_positive")]


class DailyCounters(models.Model):
    """The counters every stats table holds (adapters/django_orm/payments/stats.py COUNTERS), declared once."""

    orders = models.BigIntegerField(default=0, db_default=0)
    successful_payments = models.BigIntegerField(default=0, db_default=0)
    failed_payments = models.BigIntegerField(default=0, db_default=0)
    refunds = models.BigIntegerField(default=0, db_default=0)
    cancelled = models.BigIntegerField(default=0, db_default=0)
    volume_minor = models.BigIntegerField(default=0, db_default=0)
    refunded_minor = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class StatsDelta(DailyCounters):
    """A change to the daily counters, appended in the same transaction as the change itself.

    Counters updated in place by every order made each busy merchant's day (even sharded) a row that
    concurrent orders queued on until commit. An append takes no lock anyone waits for; a periodic
    job folds the appended rows into the daily tables below (``DjangoStatsQuery.fold_pending``), and
    the stats endpoints read both in one statement, so their answers include every committed change.
    No index but the key: the table holds about a minute of changes, and each index costs every order.
    """

    id = models.BigAutoField(primary_key=True)
    seller_id = models.CharField(max_length=64)
    day = models.DateField()
    currency = models.CharField(max_length=3)

    class Meta:
        db_table = "payments_stats_delta"


class MerchantDailyStats(DailyCounters):
    """Counters folded from ``StatsDelta``, so stats never scan orders.

    Each fold lands on a random one of a few shards per (merchant, day, currency), as each change
    did before changes were appended: a shard's BIGINT counters bound what one row must hold.
    """

    SHARDS = 8

    seller_id = models.CharField(max_length=64)
    day = models.DateField()
    currency = models.CharField(max_length=3)
    shard = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        db_table = "payments_merchant_daily_stats"
        constraints = [
            models.UniqueConstraint(
                fields=["seller_id", "day", "currency", "shard"], name="merchant_daily_stats_shard_uniq"
            )
        ]
        indexes = [models.Index(fields=["day"], name="merchant_daily_stats_day_idx")]


class PlatformDailyStats(DailyCounters):
    """The same counters summed over every merchant, split into a few shards per day.

    Admin's global stats read at most shards x days x currencies rows (plus the unfolded changes)
    instead of every merchant's.
    """

    SHARDS = 16

    day = models.DateField()
    currency = models.CharField(max_length=3)
    shard = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "payments_platform_daily_stats"
        constraints = [models.UniqueConstraint(fields=["day", "currency", "shard"], name="platform_daily_stats_uniq")]


class AlertRecord(models.Model):
    """Money that needs an admin's eyes (``GET /api/v1/admin/alerts``): returned captures, failed refunds."""

    id = models.UUIDField(primary_key=True)
    code = models.CharField(max_length=64)
    message = models.CharField(max_length=500)
    seller_id = models.CharField(max_length=64)
    payment_id = models.UUIDField(null=True, blank=True)
    order_id = models.UUIDField(null=True, blank=True)
    refund_id = models.UUIDField(null=True, blank=True)
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "payments_alert"
        indexes = [
            models.Index(fields=["created_at", "id"], name="alert_time_idx"),
            models.Index(fields=["code", "created_at"], name="alert_code_time_idx"),
        ]
