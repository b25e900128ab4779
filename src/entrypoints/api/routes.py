"""The API's map: (path prefix, router) per context."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from entrypoints.api.catalog import public as catalog_public
from entrypoints.api.catalog import services as catalog_services
from entrypoints.api.catalog import variants as catalog_variants
from entrypoints.api.catalog import vendors as catalog_vendors
from entrypoints.api.distributors import payments as distributor_payments
from entrypoints.api.distributors import routes as distributors
from entrypoints.api.earnings import commissions, invoices, leads, payouts, resellers, tiers
from entrypoints.api.erp import routes as erp
from entrypoints.api.gateways import inbound_events, returns, risk_reviews, webhooks
from entrypoints.api.identity import admins, api_keys
from entrypoints.api.identity import routes as identity
from entrypoints.api.ingest import routes as ingest
from entrypoints.api.ingest import sources as ingest_sources
from entrypoints.api.marketplace import invoices as marketplace_invoices
from entrypoints.api.marketplace import orders as marketplace_orders
from entrypoints.api.notifications import events as notification_events
from entrypoints.api.notifications import webhooks as notification_webhooks
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
    ("/api/v1", notification_webhooks.router),
    ("/api/v1", notification_events.router),
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
    ("/api/v1/admin", catalog_vendors.router),
    ("/api/v1/services", catalog_services.router),
    ("/api/v1/services", catalog_variants.service_variants_router),  # POST /{service_id}/variants
    ("/api/v1/variants", catalog_variants.router),
    ("/api/v1/catalog", catalog_public.router),
    ("/api/v1/marketplace", marketplace_orders.router),
    ("/api/v1/orders", marketplace_invoices.router),  # GET /{order_id}/invoice next to the payments routes
]

# Benchmark-only routes (benchmarks/), off unless BENCHMARK_ROUTES=true. They are development tools
# outside the product (devtools/, absent from the production image): named by dotted path, so only
# this setting ever loads them.
BENCHMARK_ROUTER = "devtools.benchmark.routes.router"
if settings.BENCHMARK_ROUTES:
    ROUTES.append(("", import_string(BENCHMARK_ROUTER)))
