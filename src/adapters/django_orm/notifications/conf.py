"""Outbound webhooks' settings, read into the application's delivery policy when the container is built."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings

from application.notifications.use_cases import DeliveryPolicy
from domain.notifications.schedule import RetrySchedule

log = structlog.get_logger("partnerpay.webhooks")


def delivery_policy() -> DeliveryPolicy:
    allow_private = bool(_setting("WEBHOOK_ALLOW_PRIVATE_URLS", False))
    if allow_private and _setting("PRODUCTION", False):
        log.warning("webhook_private_urls_allowed_in_production")
    return DeliveryPolicy(
        schedule=_retry_schedule(_setting("WEBHOOK_RETRY_SCHEDULE", "")),
        allow_private=allow_private,
        disable_after=timedelta(days=float(_setting("WEBHOOK_DISABLE_AFTER_DAYS", 5.0))),
    )


def _retry_schedule(raw: object) -> RetrySchedule:
    """The setting is seconds as a list (tests) or a comma-separated string (the environment)."""
    if isinstance(raw, list | tuple):
        return RetrySchedule.of_seconds([float(s) for s in raw])
    return RetrySchedule.parse(str(raw or ""))


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)
