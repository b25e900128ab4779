"""Marketplace wiring (seed 001): reservations, invoices and their PDF, on top of the catalog and payments.

A marketplace unit of work holds the payments repositories too, so stock, order and payment change
in one transaction: the same repository instances the payments services' units of work hold.
"""

from __future__ import annotations

from datetime import timedelta

from adapters.django_orm.catalog.repositories import DjangoInvoiceRepository, DjangoReservationRepository
from adapters.django_orm.catalog.vendors import DjangoPartyDirectory
from adapters.gateways.marketplace_invoice_pdf import InvoicePdfRenderer
from application.catalog.services import CatalogServices
from application.marketplace.services import MarketplaceServices
from application.payments.services import PaymentsServices
from domain.catalog.invoice import parse_tax_rate
from entrypoints.bootstrap.platform import Platform, setting


def build(built: Platform, *, catalog: CatalogServices, payments: PaymentsServices) -> MarketplaceServices:
    reservations, invoices = DjangoReservationRepository(), DjangoInvoiceRepository()
    shared = payments.uow()  # not entered: only its repositories are taken
    return MarketplaceServices(
        uow=built.uow_factory(
            orders=shared.orders,
            payments=shared.payments,
            refunds=shared.refunds,
            stats=shared.stats,
            alerts=shared.alerts,
            services=catalog.services,
            variants=catalog.variants,
            reservations=reservations,
            invoices=invoices,
        ),
        payments_uow=payments.uow,
        payments=payments.deps,
        orders=payments.orders,
        events=built.event_log,
        renderer=InvoicePdfRenderer(),
        parties=DjangoPartyDirectory(),
        reservation_ttl=timedelta(seconds=int(setting("RESERVATION_TTL_SECONDS", 900))),
        tax_rate=parse_tax_rate(str(setting("MARKETPLACE_TAX_RATE", "0"))),
        precheck=catalog.precheck,
    )
