"""Marketplace wiring (seed 001): reservations, invoices and their PDF, on top of the catalog and payments.

A marketplace unit of work holds the payments repositories too, so stock, order and payment change
in one transaction, with the payments services' repositories.
"""

from __future__ import annotations

from datetime import timedelta

from adapters.django_orm.catalog.models import InvoiceSequence
from adapters.django_orm.catalog.repositories import DjangoInvoiceRepository, DjangoReservationRepository
from adapters.django_orm.catalog.vendors import DjangoPartyDirectory
from adapters.django_orm.payments.stats import DjangoStatsRecorder
from adapters.django_orm.shared.sequences import DjangoInvoiceNumbers
from adapters.gateways.marketplace_invoice_pdf import InvoicePdfRenderer
from application.catalog.services import CatalogServices
from application.marketplace.services import MarketplaceServices
from application.payments.services import PaymentsServices
from domain.catalog.invoice import INVOICE_SERIES, parse_tax_rate
from entrypoints.bootstrap.platform import Platform, setting


def build(built: Platform, *, catalog: CatalogServices, payments: PaymentsServices) -> MarketplaceServices:
    numbers = DjangoInvoiceNumbers({INVOICE_SERIES: InvoiceSequence})
    reservations, invoices = DjangoReservationRepository(), DjangoInvoiceRepository()
    return MarketplaceServices(
        uow=built.uow_factory(
            orders=payments.orders,
            payments=payments.payments,
            refunds=payments.refunds,
            stats=DjangoStatsRecorder(),
            alerts=payments.alerts,
            services=catalog.services,
            variants=catalog.variants,
            reservations=reservations,
            invoices=invoices,
            invoice_numbers=numbers,
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
