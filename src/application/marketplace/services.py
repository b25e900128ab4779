"""The marketplace's use cases bound to their adapters: ordering a variant, fulfilment, stock reactions, invoices.

A marketplace order is a payments order with reserved stock, so these use cases run payments' use
cases too: ``payments_uow`` and ``payments`` are what the payments context's wiring provides.
The composition root builds one ``MarketplaceServices``; tests may replace any field. Each method
keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from application.catalog.ports import StockPrecheck
from application.marketplace import invoices, stock
from application.marketplace import orders as order_cases
from application.marketplace.ports import (
    EventLookup,
    InvoiceDocument,
    InvoiceRenderer,
    MarketplaceDeps,
    MarketplaceUnitOfWork,
    PartyDirectory,
)
from application.payments.deps import PaymentsDeps
from application.payments.ports import OrderFilter, OrderRepository, PaymentsUnitOfWork
from application.payments.unit_of_work import publishing
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.order import Order


@dataclass(slots=True)
class MarketplaceServices:
    uow: Callable[[], MarketplaceUnitOfWork]
    payments_uow: Callable[[], PaymentsUnitOfWork]
    # The payments context's ports (gateways, clock, publish, limits), read per call: its gateway
    # registry fills in as the providers are wired.
    payments: Callable[[], PaymentsDeps]
    orders: OrderRepository
    events: EventLookup
    renderer: InvoiceRenderer
    parties: PartyDirectory
    reservation_ttl: timedelta
    tax_rate: Decimal
    precheck: StockPrecheck | None = None

    def __post_init__(self) -> None:
        # Its units of work hold the payments repositories: they publish what those aggregates emitted
        # as they commit, like the payments services' own (``payments_uow``).
        self.uow = publishing(self.uow, lambda: self.payments().publish)

    def deps(self) -> MarketplaceDeps:
        return MarketplaceDeps(
            new_uow=self.uow,
            new_payments_uow=self.payments_uow,
            payments=self.payments(),
            reservation_ttl=self.reservation_ttl,
            tax_rate=self.tax_rate,
            precheck=self.precheck,
        )

    # --- orders -------------------------------------------------------------------------------

    def marketplace_order_place(
        self, *, principal: Principal, command: order_cases.PlaceOrder
    ) -> order_cases.PlacedOrder:
        return order_cases.marketplace_order_place(principal=principal, command=command, deps=self.deps())

    def marketplace_orders_list(self, *, principal: Principal, filters: OrderFilter, page: PageRequest) -> Page[Order]:
        return order_cases.marketplace_orders_list(orders=self.orders, principal=principal, filters=filters, page=page)

    def marketplace_order_get(self, *, principal: Principal, order_id: str) -> order_cases.MarketplaceOrder:
        return order_cases.marketplace_order_get(uow=self.uow(), principal=principal, order_id=order_id)

    def marketplace_order_complete(self, *, principal: Principal, order_id: str) -> Order:
        return order_cases.marketplace_order_complete(
            uow=self.uow(), principal=principal, order_id=order_id, deps=self.deps()
        )

    def marketplace_order_cancel(self, *, principal: Principal, order_id: str) -> Order:
        return order_cases.marketplace_order_cancel(
            uow=self.payments_uow(), principal=principal, order_id=order_id, deps=self.deps()
        )

    # --- invoices -----------------------------------------------------------------------------

    def invoice_download(self, *, principal: Principal, order_id: str) -> InvoiceDocument:
        return invoices.invoice_download(uow=self.uow(), principal=principal, order_id=order_id)

    def invoice_issue(self, *, order_id: str) -> str | None:
        return invoices.invoice_issue(deps=self.deps(), renderer=self.renderer, parties=self.parties, order_id=order_id)

    # --- stock, as payments and orders move (handlers, the periodic job) ----------------------

    def payment_captured(self, *, order_id: str, payment_id: str) -> stock.StockOutcome:
        return stock.payment_captured(deps=self.deps(), order_id=order_id, payment_id=payment_id)

    def payment_failed(self, *, order_id: str) -> stock.StockOutcome:
        return stock.payment_failed(deps=self.deps(), order_id=order_id)

    def order_cancelled(self, *, order_id: str) -> stock.StockOutcome:
        return stock.order_cancelled(deps=self.deps(), order_id=order_id)

    def reservations_expire(self, *, limit: int = 500) -> dict[str, int]:
        return stock.reservations_expire(deps=self.deps(), limit=limit)
