"""Payments' settings, read into the application's values when the container is built."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from application.payments.deps import CheckPolicy
from domain.payments.limits import AmountLimits, parse_overrides


def check_policy() -> CheckPolicy:
    return CheckPolicy(
        recover_after=timedelta(seconds=settings.PAYMENT_RECOVER_AFTER_SECONDS),
        first_check=timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS),
        max_interval=timedelta(seconds=settings.PAYMENT_RECONCILE_MAX_INTERVAL_SECONDS),
        checkout_ttl=timedelta(seconds=settings.HOSTED_CHECKOUT_TTL_SECONDS),
        expiry_grace=timedelta(seconds=settings.HOSTED_CHECKOUT_EXPIRY_GRACE_SECONDS),
    )


def amount_limits() -> AmountLimits:
    overrides = parse_overrides(settings.MAX_PAYMENT_AMOUNT_BY_CURRENCY)
    return AmountLimits(default=settings.MAX_PAYMENT_AMOUNT, per_currency=overrides)


def notify_urls() -> dict[str, str]:
    """Where each provider posts its webhooks and IPNs: our routes under ``PUBLIC_BASE_URL``."""
    base = settings.PUBLIC_BASE_URL
    return {"cashfree": f"{base}/api/v1/webhooks/cashfree", "sslcommerz": f"{base}/api/v1/webhooks/sslcommerz"}
