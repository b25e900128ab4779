"""Marketplace wiring (seed 001): reservations, invoices and their PDF, on top of the catalog and payments.

A marketplace unit of work holds the payments repositories too, so stock, order and payment change
in one transaction; they, and the payments ports, come from the payments wiring passed in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from adapters.django_orm.catalog.repositories import DjangoInvoiceRepository, DjangoReservationRepository
from adapters.django_orm.catalog.vendors import DjangoPartyDirectory
from adapters.gateways.marketplace_invoice_pdf import InvoicePdfRenderer
from application.catalog.services import CatalogServices
from application.marketplace.ports import MarketplaceUnitOfWork
from application.marketplace.services import MarketplaceServices
from application.payments.payments import PaymentsDeps
from application.payments.ports import (
    AlertRepository,
    OrderRepository,
    PaymentRepository,
    PaymentsUnitOfWork,
    RefundRepository,
    StatsRecorder,
)
from domain.catalog.invoice import parse_tax_rate
from entrypoints.bootstrap.platform import Platform, setting


class PaymentsWiring(Protocol):
    """What the payments context's wiring (``bootstrap/payments.py``) offers the marketplace."""

    orders_repo: OrderRepository
    payments_repo: PaymentRepository
    refunds_repo: RefundRepository
    alerts_repo: AlertRepository
    stats_recorder: StatsRecorder

    def uow(self) -> PaymentsUnitOfWork: ...

    def deps(self) -> PaymentsDeps: ...


def build(built: Platform, *, catalog: CatalogServices, payments: PaymentsWiring) -> MarketplaceServices:
    reservations, invoices = DjangoReservationRepository(), DjangoInvoiceRepository()

    def uow() -> MarketplaceUnitOfWork:
        unit: MarketplaceUnitOfWork = built.uow(
            orders=payments.orders_repo,
            payments=payments.payments_repo,
            refunds=payments.refunds_repo,
            stats=payments.stats_recorder,
            alerts=payments.alerts_repo,
            services=catalog.services,
            variants=catalog.variants,
            reservations=reservations,
            invoices=invoices,
        )
        return unit

    return MarketplaceServices(
        uow=uow,
        payments_uow=payments.uow,
        payments=payments.deps,
        orders=payments.orders_repo,
        events=built.event_log,
        renderer=InvoicePdfRenderer(),
        parties=DjangoPartyDirectory(),
        reservation_ttl=timedelta(seconds=int(setting("RESERVATION_TTL_SECONDS", 900))),
        tax_rate=parse_tax_rate(str(setting("MARKETPLACE_TAX_RATE", "0"))),
        precheck=catalog.precheck,
    )
