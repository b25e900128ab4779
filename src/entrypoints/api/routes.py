"""The API's map: (path prefix, router) per context."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from entrypoints.api import marketplace, notifications
from entrypoints.api.distributors import payments as distributor_payments
from entrypoints.api.distributors import routes as distributors
from entrypoints.api.earnings import commissions, invoices, leads, payouts, resellers, tiers
from entrypoints.api.erp import routes as erp
from entrypoints.api.gateways import inbound_events, returns, risk_reviews, webhooks
from entrypoints.api.identity import admins, api_keys
from entrypoints.api.identity import routes as identity
from entrypoints.api.ingest import routes as ingest
from entrypoints.api.ingest import sources as ingest_sources
from entrypoints.api.payments import alerts, orders, payments, refunds, stats

ROUTES: list[tuple[str, Any]] = [
    ("/api/v1/auth", identity.router),
    ("/api/v1/admin", admins.router),
    ("/api/v1/merchants/me", api_keys.router),
    ("/api/v1", ingest.router),
    ("/api/v1", ingest_sources.router),
    ("/v1", ingest.legacy_router),  # seed 004 paths, kept for existing senders
    ("/api/v1/orders", orders.router),
    ("/api/v1/payments", payments.router),
    ("/api/v1/refunds", refunds.router),
    ("/api/v1/merchants/me", stats.merchant_router),
    ("/api/v1/admin", stats.admin_router),
    ("/api/v1/admin", alerts.router),
    ("/api/v1", notifications.webhooks_router),
    ("/api/v1", notifications.events_router),
    ("/api/v1/distributors", distributors.router),
    ("/api/v1/distributors", distributor_payments.router),
    ("/api/v1/admin/erp", erp.router),
    ("/api/v1/resellers", resellers.router),
    ("/api/v1/admin", tiers.router),
    ("/api/v1/commissions", commissions.router),
    ("/api/v1/reseller-invoices", invoices.router),
    ("/api/v1/payouts", payouts.router),
    ("/api/v1/leads", leads.router),
    ("/api/v1", webhooks.router),  # Cashfree webhook, SSLCommerz IPN
    ("/api/v1", returns.router),  # browser return pages
    ("/api/v1/admin", inbound_events.router),
    ("/api/v1/admin", risk_reviews.router),
    ("/api/v1/admin", marketplace.vendors_admin_router),
    ("/api/v1/services", marketplace.services_router),
    ("/api/v1/variants", marketplace.variants_router),
    ("/api/v1/catalog", marketplace.catalog_router),
    ("/api/v1/marketplace", marketplace.orders_router),
    ("/api/v1/orders", marketplace.invoices_router),  # GET /{order_id}/invoice next to the payments routes
]

# Benchmark-only routes (benchmarks/), off unless BENCHMARK_ROUTES=true.
if settings.BENCHMARK_ROUTES:
    from entrypoints.api import benchmark

    ROUTES.append(("", benchmark.router))
