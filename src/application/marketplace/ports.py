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

from application.catalog.ports import VariantRepository
from application.payments.deps import PaymentsDeps
from application.payments.ports import PaymentsUnitOfWork
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

    def next_sequence(self, period: str) -> int:
        """The next number of ``period`` (YYYYMM); taken in the caller's transaction, so a rollback gives it back."""
        ...

    def add(self, invoice: Invoice, *, pdf: bytes) -> None: ...


class InvoiceRenderer(Protocol):
    def render(self, invoice: Invoice) -> bytes: ...


class PartyDirectory(Protocol):
    def party(self, user_id: str) -> Party | None:
        """Name, email and address of a user as an invoice prints them."""
        ...


class StockPrecheck(Protocol):
    """Seed 001's optional first layer: a counter mirroring each variant's available stock (Redis).

    It may only ever say "surely not enough" or "ask the database"; the database stays the one
    authority, so a counter that drifts costs a wasted query or, at worst until it expires, a
    false 409, never an oversold unit.
    """

    def try_take(self, variant_id: str, quantity: int, *, seed: Callable[[], int | None]) -> bool:
        """False: surely not enough stock. True: taken from the counter, the database decides.

        ``seed`` reads the database's available stock when the counter does not exist yet.
        """
        ...

    def give_back(self, variant_id: str, quantity: int) -> None: ...

    def forget(self, variant_id: str) -> None:
        """Stock changed in a way the counter cannot follow; it is rebuilt from the database."""
        ...


class MarketplaceUnitOfWork(PaymentsUnitOfWork, Protocol):
    variants: VariantRepository
    reservations: ReservationRepository
    invoices: InvoiceRepository


@dataclass(frozen=True, slots=True)
class MarketplaceDeps:
    new_uow: Callable[[], MarketplaceUnitOfWork]
    new_payments_uow: Callable[[], PaymentsUnitOfWork]
    payments: PaymentsDeps
    reservation_ttl: timedelta
    tax_rate: Decimal
    precheck: StockPrecheck | None = None
