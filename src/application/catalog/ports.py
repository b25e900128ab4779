"""What the catalog use cases need: repositories over services and variants, the vendor accounts, a read model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.catalog.service import Offer, Service, Variant
from domain.shared.money import Money

# --- vendors (their accounts live in identity's tables; this port is the catalog's view of them) ---


@dataclass(frozen=True, slots=True)
class VendorAccount:
    id: str
    email: str
    name: str
    business_name: str
    address: str
    phone: str
    is_active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class VendorFilter:
    is_active: bool | None = None
    search: str | None = None


class VendorAccounts(Protocol):
    def get(self, vendor_id: str) -> VendorAccount | None:
        """A live (not deleted) user with the vendor role, or None."""
        ...

    def set_active(self, vendor_id: str, *, active: bool) -> bool:
        """Flips the vendor's activation; False when there is no such vendor."""
        ...

    def list(self, filters: VendorFilter, page: PageRequest) -> Page[VendorAccount]: ...


# --- services and variants ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceFilter:
    vendor_id: str | None = None
    is_active: bool | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class VariantStock:
    """A variant with where its units are: free (``variant.available``), held by reservations, sold."""

    variant: Variant
    reserved: int
    sold: int


class ServiceRepository(Protocol):
    def add(self, service: Service) -> None: ...

    def get(self, service_id: str) -> Service | None: ...

    def save(self, service: Service) -> None: ...

    def list(self, filters: ServiceFilter, page: PageRequest) -> Page[Service]: ...


class VariantRepository(Protocol):
    def add(self, variant: Variant) -> None: ...

    def get(self, variant_id: str) -> Variant | None: ...

    def save_details(self, variant: Variant) -> None:
        """Name, price and active flag. Never ``available``: stock moves only through the atomic calls below."""
        ...

    def with_stock(self, variant_ids: list[str]) -> list[VariantStock]: ...

    def for_service(self, service_id: str) -> list[Variant]: ...

    def offer(self, variant_id: str) -> Offer | None: ...

    def reserve(self, variant_id: str, quantity: int, *, now: datetime) -> bool:
        """Takes ``quantity`` from available stock in one conditional statement; False when there is not enough."""
        ...

    def release(self, variant_id: str, quantity: int, *, now: datetime) -> None:
        """Gives ``quantity`` back to available stock."""
        ...

    def adjust(self, variant_id: str, delta: int, *, now: datetime) -> bool:
        """Adds ``delta`` (may be negative) to available stock unless that leaves 0..MAX_STOCK."""
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


class CatalogUnitOfWork(UnitOfWork, Protocol):
    services: ServiceRepository
    variants: VariantRepository


# --- the public catalog (a read model) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogFilter:
    search: str | None = None
    vendor_id: str | None = None
    category: str | None = None
    currency: str | None = None
    min_price: Money | None = None
    max_price: Money | None = None


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    service: Service
    vendor_name: str
    variants: list[Variant]

    def price_from(self) -> Money | None:
        if not self.variants:
            return None
        return min(self.variants, key=lambda v: (v.price.currency, v.price.minor)).price


class CatalogQuery(Protocol):
    """Only active services of active vendors; entries carry their active variants (maybe none)."""

    def search(self, filters: CatalogFilter, page: PageRequest) -> Page[CatalogEntry]: ...

    def get(self, service_id: str) -> CatalogEntry | None: ...
