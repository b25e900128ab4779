"""The API's map: (path prefix, router) per context."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from entrypoints.api import distributors, erp, identity, ingest, notifications, payments

ROUTES: list[tuple[str, Any]] = [
    ("/api/v1/auth", identity.auth_router),
    ("/api/v1/admin", identity.admin_router),
    ("/api/v1/merchants/me", identity.keys_router),
    ("/api/v1", ingest.router),
    ("/v1", ingest.legacy_router),  # seed 004 paths, kept for existing senders
    ("/api/v1/orders", payments.orders_router),
    ("/api/v1/payments", payments.payments_router),
    ("/api/v1/refunds", payments.refunds_router),
    ("/api/v1/merchants/me", payments.merchant_stats_router),
    ("/api/v1/admin", payments.admin_stats_router),
    ("/api/v1", notifications.webhooks_router),
    ("/api/v1", notifications.events_router),
    ("/api/v1/distributors", distributors.router),
    ("/api/v1/admin/erp", erp.router),
]

# Benchmark-only routes (benchmarks/), off unless BENCHMARK_ROUTES=true.
if settings.BENCHMARK_ROUTES:
    from entrypoints.api import benchmark

    ROUTES.append(("", benchmark.router))
