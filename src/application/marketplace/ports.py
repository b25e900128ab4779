"""Ports of the marketplace: reservations, invoices and who the parties are, on top of the payments ports.

A marketplace unit of work is a payments unit of work (orders, payments, refunds, stats) with the
catalog's variants, reservations and invoices attached, so stock, order and payment change in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from application.catalog.ports import StockPrecheck, VariantRepository
from application.payments.deps import PaymentsDeps
from application.payments.ports import PaymentsUnitOfWork
from application.shared.events import StoredEvent
from application.shared.invoice_numbers import InvoiceNumbers
from domain.catalog.invoice import Invoice, Party
from domain.catalog.reservation import Reservation
from domain.shared.money import Money


class ReservationRepository(Protocol):
    def add(self, reservation: Reservation) -> None: ...

    def for_order(self, order_id: str, *, lock: bool = False) -> Reservation | None:
        """``lock``: the row stays locked until the unit of work ends (handlers and the expiry job queue here)."""
        ...

    def save(self, reservation: Reservation) -> None: ...

    def expired_order_ids(self, *, now: datetime, limit: int) -> list[str]:
        """Orders whose reservation is still active past its expiry, oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    number: str
    issued_at: datetime
    total: Money


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    number: str
    pdf: bytes


class InvoiceRepository(Protocol):
    def summary(self, order_id: str) -> InvoiceSummary | None: ...

    def document(self, order_id: str) -> InvoiceDocument | None: ...

    def add(self, invoice: Invoice, *, pdf: bytes) -> None: ...


class InvoiceRenderer(Protocol):
    def render(self, invoice: Invoice) -> bytes: ...


class PartyDirectory(Protocol):
    def party(self, user_id: str) -> Party | None:
        """Name, email and address of a user as an invoice prints them."""
        ...


class EventLookup(Protocol):
    """The event log, read by id: the subscriber's message carries only the event's id."""

    def get(self, event_id: str) -> StoredEvent | None: ...


class MarketplaceUnitOfWork(PaymentsUnitOfWork, Protocol):
    variants: VariantRepository
    reservations: ReservationRepository
    invoices: InvoiceRepository
    invoice_numbers: InvoiceNumbers


@dataclass(frozen=True, slots=True)
class MarketplaceDeps:
    new_uow: Callable[[], MarketplaceUnitOfWork]
    new_payments_uow: Callable[[], PaymentsUnitOfWork]
    payments: PaymentsDeps
    reservation_ttl: timedelta
    tax_rate: Decimal
    precheck: StockPrecheck | None = None
