"""Catalog use cases.

Vendors start inactive (identity registers them so); an admin activates them here. An inactive
vendor can read its services but every write answers 403 ``vendor_inactive``. Another vendor's
service or variant is 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.catalog.ports import (
    CatalogEntry,
    CatalogFilter,
    CatalogQuery,
    CatalogUnitOfWork,
    ServiceFilter,
    ServiceRepository,
    StockPrecheck,
    VariantRepository,
    VariantStock,
    VendorAccount,
    VendorAccounts,
    VendorFilter,
)
from application.shared.access import owned_or_404, require_role
from application.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from domain.catalog.service import MAX_STOCK, Service, Variant, check_price, check_stock, clean_name
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.money import Money


class VendorInactive(Forbidden):
    code = "vendor_inactive"


@dataclass(frozen=True, slots=True)
class CreateService:
    name: str
    description: str = ""
    category: str = ""


@dataclass(frozen=True, slots=True)
class UpdateService:
    name: str | None = None
    description: str | None = None
    category: str | None = None
    is_active: bool | None = None


@dataclass(frozen=True, slots=True)
class CreateVariant:
    name: str
    price: str
    currency: str
    stock: int


@dataclass(frozen=True, slots=True)
class UpdateVariant:
    name: str | None = None
    price: str | None = None
    currency: str | None = None
    stock_delta: int | None = None
    is_active: bool | None = None


# --- vendors --------------------------------------------------------------------------------


def vendors_list(
    *, vendors: VendorAccounts, principal: Principal, filters: VendorFilter, page: PageRequest
) -> Page[VendorAccount]:
    require_role(principal, Role.ADMIN)
    return vendors.list(filters, page)


def vendor_set_active(*, vendors: VendorAccounts, principal: Principal, vendor_id: str, active: bool) -> VendorAccount:
    """Idempotent: activating an active vendor changes nothing and answers the vendor as it is."""
    require_role(principal, Role.ADMIN)
    if not vendors.set_active(vendor_id, active=active):
        raise NotFound("No such vendor")
    vendor = vendors.get(vendor_id)
    if vendor is None:  # deleted between the two calls
        raise NotFound("No such vendor")
    return vendor


def require_active_vendor(vendors: VendorAccounts, principal: Principal) -> VendorAccount:
    require_role(principal, Role.VENDOR, message="Only vendors sell services")
    vendor = vendors.get(principal.user_id)
    if vendor is None:
        raise Forbidden("Only vendors sell services")
    if not vendor.is_active:
        raise VendorInactive("Your vendor account is waiting for activation by an admin")
    return vendor


# --- services -------------------------------------------------------------------------------


def service_create(
    *, uow: CatalogUnitOfWork, vendors: VendorAccounts, principal: Principal, command: CreateService, clock: Clock
) -> Service:
    require_active_vendor(vendors, principal)
    service = Service.create(
        vendor_id=principal.user_id,
        name=command.name,
        description=command.description,
        category=command.category,
        now=clock.now(),
    )
    with uow:
        uow.services.add(service)
    return service


def services_list(
    *, services: ServiceRepository, principal: Principal, filters: ServiceFilter, page: PageRequest
) -> Page[Service]:
    if not principal.is_admin:
        filters = ServiceFilter(vendor_id=principal.user_id, is_active=filters.is_active, category=filters.category)
    return services.list(filters, page)


def _visible_service(principal: Principal, service: Service | None) -> Service:
    return owned_or_404(service, principal, lambda found: found.vendor_id, message="No such service")


def service_get(
    *, services: ServiceRepository, variants: VariantRepository, principal: Principal, service_id: str
) -> tuple[Service, list[VariantStock]]:
    service = _visible_service(principal, services.get(service_id))
    ids = [str(v.id) for v in variants.for_service(str(service.id))]
    return service, variants.with_stock(ids)


def service_update(
    *,
    uow: CatalogUnitOfWork,
    vendors: VendorAccounts,
    principal: Principal,
    service_id: str,
    command: UpdateService,
    clock: Clock,
) -> Service:
    with uow:
        service = _visible_service(principal, uow.services.get(service_id))
        if not principal.is_admin:
            require_active_vendor(vendors, principal)
        service.update(
            now=clock.now(),
            name=command.name,
            description=command.description,
            category=command.category,
            is_active=command.is_active,
        )
        uow.services.save(service)
    return service


# --- variants -------------------------------------------------------------------------------


def variant_create(
    *,
    uow: CatalogUnitOfWork,
    vendors: VendorAccounts,
    principal: Principal,
    service_id: str,
    command: CreateVariant,
    clock: Clock,
) -> VariantStock:
    with uow:
        service = _visible_service(principal, uow.services.get(service_id))
        require_active_vendor(vendors, principal)
        variant = Variant.create(
            service_id=service.id,
            vendor_id=service.vendor_id,
            name=command.name,
            price=Money.parse(command.price, command.currency),
            stock=command.stock,
            now=clock.now(),
        )
        uow.variants.add(variant)
    return VariantStock(variant=variant, reserved=0, sold=0)


def variant_update(
    *,
    uow: CatalogUnitOfWork,
    vendors: VendorAccounts,
    principal: Principal,
    variant_id: str,
    command: UpdateVariant,
    clock: Clock,
    precheck: StockPrecheck | None = None,
) -> VariantStock:
    """Stock changes by a delta in one conditional statement, so it never races a buyer's reservation.

    A restock also drops the pre-check's counter (after commit): it is rebuilt from the database.
    """
    now = clock.now()
    with uow:
        variant = owned_or_404(
            uow.variants.get(variant_id), principal, lambda found: found.vendor_id, message="No such variant"
        )
        if not principal.is_admin:
            require_active_vendor(vendors, principal)
        if command.name is not None:
            variant.name = clean_name(command.name)
        if command.price is not None or command.currency is not None:
            price = command.price if command.price is not None else variant.price.to_decimal_string()
            variant.price = check_price(Money.parse(price, command.currency or variant.price.currency))
        if command.is_active is not None:
            variant.is_active = command.is_active
        variant.updated_at = now
        uow.variants.save_details(variant)
        if command.stock_delta:
            check_stock(abs(command.stock_delta))
            if not uow.variants.adjust(variant_id, command.stock_delta, now=now):
                if command.stock_delta > 0:
                    raise Conflict(f"A variant holds at most {MAX_STOCK:,} units", code="stock_limit_exceeded")
                raise Conflict(
                    "Stock cannot go below zero: units held by reservations or already sold cannot be removed",
                    code="insufficient_stock",
                )
    if precheck is not None and command.stock_delta:
        precheck.forget(variant_id)
    found = uow.variants.with_stock([variant_id])
    if not found:
        raise NotFound("No such variant")
    return found[0]


# --- the public catalog ---------------------------------------------------------------------


def catalog_search(*, catalog: CatalogQuery, filters: CatalogFilter, page: PageRequest) -> Page[CatalogEntry]:
    if filters.min_price and filters.max_price and filters.max_price < filters.min_price:
        raise InvalidInput("max_price is below min_price", code="invalid_price_range", field="max_price")
    return catalog.search(filters, page)


def catalog_get(*, catalog: CatalogQuery, service_id: str) -> CatalogEntry:
    entry = catalog.get(service_id)
    if entry is None:
        raise NotFound("No such service")
    return entry
