"""The API's map: (path prefix, router) per context."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from entrypoints.api import (
    distributor_payments,
    distributors,
    earnings,
    erp,
    identity,
    payments,
)
from entrypoints.api import gateways as gateway_routes
from entrypoints.api.catalog import public as catalog_public
from entrypoints.api.catalog import services as catalog_services
from entrypoints.api.catalog import variants as catalog_variants
from entrypoints.api.catalog import vendors as catalog_vendors
from entrypoints.api.ingest import routes as ingest
from entrypoints.api.ingest import sources as ingest_sources
from entrypoints.api.marketplace import invoices as marketplace_invoices
from entrypoints.api.marketplace import orders as marketplace_orders
from entrypoints.api.notifications import events as notification_events
from entrypoints.api.notifications import webhooks as notification_webhooks

ROUTES: list[tuple[str, Any]] = [
    ("/api/v1/auth", identity.auth_router),
    ("/api/v1/admin", identity.admin_router),
    ("/api/v1/merchants/me", identity.keys_router),
    ("/api/v1", ingest.router),
    ("/api/v1", ingest_sources.router),
    ("/v1", ingest.legacy_router),  # seed 004 paths, kept for existing senders
    ("/api/v1/orders", payments.orders_router),
    ("/api/v1/payments", payments.payments_router),
    ("/api/v1/refunds", payments.refunds_router),
    ("/api/v1/merchants/me", payments.merchant_stats_router),
    ("/api/v1/admin", payments.admin_stats_router),
    ("/api/v1/admin", payments.admin_alerts_router),
    ("/api/v1", notification_webhooks.router),
    ("/api/v1", notification_events.router),
    ("/api/v1/distributors", distributors.router),
    ("/api/v1/distributors", distributor_payments.router),
    ("/api/v1/admin/erp", erp.router),
    ("/api/v1/resellers", earnings.resellers_router),
    ("/api/v1/admin", earnings.tiers_router),
    ("/api/v1/commissions", earnings.commissions_router),
    ("/api/v1/reseller-invoices", earnings.invoices_router),
    ("/api/v1/payouts", earnings.payouts_router),
    ("/api/v1/leads", earnings.leads_router),
    ("/api/v1", gateway_routes.router),  # Cashfree webhook, SSLCommerz IPN, browser return pages
    ("/api/v1/admin", gateway_routes.admin_router),  # inbound events, risk reviews
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
