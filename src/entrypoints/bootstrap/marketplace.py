"""Marketplace wiring (seed 001): catalog repositories, the ``marketplace`` event subscriber, the invoice job.

Settings are read per call (``RESERVATION_TTL_SECONDS``, ``MARKETPLACE_TAX_RATE``), so tests can
change them with the ``settings`` fixture.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from adapters.cache.stock_precheck import RedisStockPrecheck
from adapters.django_orm.catalog.repositories import (
    DjangoCatalogQuery,
    DjangoInvoiceRepository,
    DjangoReservationRepository,
    DjangoServiceRepository,
    DjangoVariantRepository,
)
from adapters.django_orm.catalog.vendors import DjangoPartyDirectory, DjangoVendorAccounts
from adapters.gateways.marketplace_invoice_pdf import InvoicePdfRenderer
from application.catalog import use_cases as catalog_cases
from application.catalog.ports import (
    CatalogEntry,
    CatalogFilter,
    CatalogUnitOfWork,
    ServiceFilter,
    VariantStock,
    VendorAccount,
    VendorFilter,
)
from application.marketplace import invoices as invoice_cases
from application.marketplace import orders as order_cases
from application.marketplace import stock
from application.marketplace.ports import InvoiceDocument, MarketplaceDeps, MarketplaceUnitOfWork
from application.payments.ports import OrderFilter
from application.shared.pagination import Page, PageRequest
from domain.catalog.invoice import parse_tax_rate
from domain.catalog.service import Service
from domain.identity.user import Principal
from domain.payments.order import Order
from entrypoints.bootstrap import Container, container, payments, setting

log = structlog.get_logger("partnerpay.marketplace")

SUBSCRIBER = "marketplace"
EVENT_PATTERNS = ["payment.captured", "payment.failed", "payment.expired", "order.cancelled"]

services_repo = DjangoServiceRepository()
variants_repo = DjangoVariantRepository()
reservations_repo = DjangoReservationRepository()
invoices_repo = DjangoInvoiceRepository()
vendor_accounts = DjangoVendorAccounts()
catalog_query = DjangoCatalogQuery()
parties = DjangoPartyDirectory()
renderer = InvoicePdfRenderer()


def wire(built: Container) -> None:
    def on_event(payload: dict[str, Any]) -> None:
        event = built.event_log.get(str(payload["event_id"]))
        if event is None:
            return
        data = event.data
        order = data.get("order") if event.type.startswith("payment.") else data.get("object")
        if not isinstance(order, dict) or order.get("kind") != "marketplace":
            return
        order_id = str(order["id"])
        if event.type == "payment.captured":
            outcome = stock.payment_captured(deps=deps(), order_id=order_id, payment_id=str(data["object"]["id"]))
        elif event.type in {"payment.failed", "payment.expired"}:
            outcome = stock.payment_failed(deps=deps(), order_id=order_id)
        elif event.type == "order.cancelled":
            outcome = stock.order_cancelled(deps=deps(), order_id=order_id)
        else:
            return
        log.info("marketplace_event", event_type=event.type, order_id=order_id, outcome=outcome.result)

    def issue_invoice_job(payload: dict[str, Any]) -> None:
        number = issue_invoice(str(payload["order_id"]))
        log.info("marketplace_invoice", order_id=payload["order_id"], number=number)

    built.subscriptions.subscribe_events(SUBSCRIBER, EVENT_PATTERNS, on_event)
    built.subscriptions.subscribe(stock.INVOICE_TOPIC, issue_invoice_job)


def uow() -> MarketplaceUnitOfWork:
    unit: MarketplaceUnitOfWork = container().uow(
        orders=payments.orders_repo,
        payments=payments.payments_repo,
        refunds=payments.refunds_repo,
        stats=payments.stats_recorder,
        alerts=payments.alerts_repo,
        services=services_repo,
        variants=variants_repo,
        reservations=reservations_repo,
        invoices=invoices_repo,
    )
    return unit


def catalog_uow() -> CatalogUnitOfWork:
    unit: CatalogUnitOfWork = container().uow(services=services_repo, variants=variants_repo)
    return unit


def deps() -> MarketplaceDeps:
    return MarketplaceDeps(
        new_uow=uow,
        new_payments_uow=payments.uow,
        payments=payments.deps(),
        reservation_ttl=timedelta(seconds=int(setting("RESERVATION_TTL_SECONDS", 900))),
        tax_rate=parse_tax_rate(str(setting("MARKETPLACE_TAX_RATE", "0"))),
        precheck=precheck(),
    )


_prechecks: dict[str, RedisStockPrecheck] = {}


def precheck() -> RedisStockPrecheck | None:
    """The Redis counter of seed 001, only when MARKETPLACE_STOCK_PRECHECK is on (and Redis configured)."""
    url = setting("MARKETPLACE_STOCK_PRECHECK_URL", None)
    if not url:
        return None
    if url not in _prechecks:
        _prechecks[url] = RedisStockPrecheck(url)
    return _prechecks[url]


# --- vendors --------------------------------------------------------------------------------


def list_vendors(principal: Principal, filters: VendorFilter, page: PageRequest) -> Page[VendorAccount]:
    return catalog_cases.vendors_list(vendors=vendor_accounts, principal=principal, filters=filters, page=page)


def set_vendor_active(principal: Principal, vendor_id: str, *, active: bool) -> VendorAccount:
    return catalog_cases.vendor_set_active(
        vendors=vendor_accounts, principal=principal, vendor_id=vendor_id, active=active
    )


# --- services and variants ------------------------------------------------------------------


def create_service(principal: Principal, command: catalog_cases.CreateService) -> Service:
    return catalog_cases.service_create(
        uow=catalog_uow(), vendors=vendor_accounts, principal=principal, command=command, clock=container().clock
    )


def list_services(principal: Principal, filters: ServiceFilter, page: PageRequest) -> Page[Service]:
    return catalog_cases.services_list(services=services_repo, principal=principal, filters=filters, page=page)


def get_service(principal: Principal, service_id: str) -> tuple[Service, list[VariantStock]]:
    return catalog_cases.service_get(
        services=services_repo, variants=variants_repo, principal=principal, service_id=service_id
    )


def update_service(principal: Principal, service_id: str, command: catalog_cases.UpdateService) -> Service:
    return catalog_cases.service_update(
        uow=catalog_uow(),
        vendors=vendor_accounts,
        principal=principal,
        service_id=service_id,
        command=command,
        clock=container().clock,
    )


def create_variant(principal: Principal, service_id: str, command: catalog_cases.CreateVariant) -> VariantStock:
    return catalog_cases.variant_create(
        uow=catalog_uow(),
        vendors=vendor_accounts,
        principal=principal,
        service_id=service_id,
        command=command,
        clock=container().clock,
    )


def update_variant(principal: Principal, variant_id: str, command: catalog_cases.UpdateVariant) -> VariantStock:
    updated = catalog_cases.variant_update(
        uow=catalog_uow(),
        vendors=vendor_accounts,
        principal=principal,
        variant_id=variant_id,
        command=command,
        clock=container().clock,
    )
    checker = precheck()
    if checker is not None and command.stock_delta:
        checker.forget(variant_id)  # restocked: rebuilt from the database on the next order
    return updated


def search_catalog(filters: CatalogFilter, page: PageRequest) -> Page[CatalogEntry]:
    return catalog_cases.catalog_search(catalog=catalog_query, filters=filters, page=page)


def get_catalog_service(service_id: str) -> CatalogEntry:
    return catalog_cases.catalog_get(catalog=catalog_query, service_id=service_id)


# --- orders ---------------------------------------------------------------------------------


def place_order(principal: Principal, command: order_cases.PlaceOrder) -> order_cases.PlacedOrder:
    return order_cases.marketplace_order_place(principal=principal, command=command, deps=deps())


def list_orders(principal: Principal, filters: OrderFilter, page: PageRequest) -> Page[Order]:
    return order_cases.marketplace_orders_list(
        orders=payments.orders_repo, principal=principal, filters=filters, page=page
    )


def get_order(principal: Principal, order_id: str) -> order_cases.MarketplaceOrder:
    return order_cases.marketplace_order_get(uow=uow(), principal=principal, order_id=order_id)


def complete_order(principal: Principal, order_id: str) -> Order:
    return order_cases.marketplace_order_complete(uow=uow(), principal=principal, order_id=order_id, deps=deps())


def cancel_order(principal: Principal, order_id: str) -> Order:
    return order_cases.marketplace_order_cancel(uow=payments.uow(), principal=principal, order_id=order_id, deps=deps())


def invoice_pdf(principal: Principal, order_id: str) -> InvoiceDocument:
    return invoice_cases.invoice_download(uow=uow(), principal=principal, order_id=order_id)


# --- background -----------------------------------------------------------------------------


def issue_invoice(order_id: str) -> str | None:
    return invoice_cases.invoice_issue(deps=deps(), renderer=renderer, parties=parties, order_id=order_id)


def expire_reservations(limit: int = 500) -> dict[str, int]:
    return stock.reservations_expire(deps=deps(), limit=limit)
