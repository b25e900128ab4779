"""The platform's settings, read when the container is built."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from application.shared.outbox import DEFAULT_LEASE


def outbox_lease() -> timedelta:
    """How long a worker holds an outbox message before another may take it (``OUTBOX_LEASE_SECONDS``)."""
    return timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", DEFAULT_LEASE.total_seconds()))
