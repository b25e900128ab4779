"""The catalog's use cases bound to their adapters: vendor activation, services, variants, the public catalog.

The composition root builds one ``CatalogServices`` with Django adapters; tests may replace any field.
Each method keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.catalog import use_cases
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
from application.shared.pagination import Page, PageRequest
from domain.catalog.service import Service
from domain.identity.user import Principal
from domain.shared.clock import Clock


@dataclass(slots=True)
class CatalogServices:
    uow: Callable[[], CatalogUnitOfWork]
    services: ServiceRepository
    variants: VariantRepository
    vendors: VendorAccounts
    catalog: CatalogQuery
    clock: Clock
    # Seed 001's optional Redis counter in front of the stock UPDATE (MARKETPLACE_STOCK_PRECHECK_URL).
    precheck: StockPrecheck | None = None

    # --- vendors (admins) ---------------------------------------------------------------------

    def vendors_list(self, *, principal: Principal, filters: VendorFilter, page: PageRequest) -> Page[VendorAccount]:
        return use_cases.vendors_list(vendors=self.vendors, principal=principal, filters=filters, page=page)

    def vendor_set_active(self, *, principal: Principal, vendor_id: str, active: bool) -> VendorAccount:
        return use_cases.vendor_set_active(
            vendors=self.vendors, principal=principal, vendor_id=vendor_id, active=active
        )

    # --- services and variants (vendors) ------------------------------------------------------

    def service_create(self, *, principal: Principal, command: use_cases.CreateService) -> Service:
        return use_cases.service_create(
            uow=self.uow(), vendors=self.vendors, principal=principal, command=command, clock=self.clock
        )

    def services_list(self, *, principal: Principal, filters: ServiceFilter, page: PageRequest) -> Page[Service]:
        return use_cases.services_list(services=self.services, principal=principal, filters=filters, page=page)

    def service_get(self, *, principal: Principal, service_id: str) -> tuple[Service, list[VariantStock]]:
        return use_cases.service_get(
            services=self.services, variants=self.variants, principal=principal, service_id=service_id
        )

    def service_update(self, *, principal: Principal, service_id: str, command: use_cases.UpdateService) -> Service:
        return use_cases.service_update(
            uow=self.uow(),
            vendors=self.vendors,
            principal=principal,
            service_id=service_id,
            command=command,
            clock=self.clock,
        )

    def variant_create(
        self, *, principal: Principal, service_id: str, command: use_cases.CreateVariant
    ) -> VariantStock:
        return use_cases.variant_create(
            uow=self.uow(),
            vendors=self.vendors,
            principal=principal,
            service_id=service_id,
            command=command,
            clock=self.clock,
        )

    def variant_update(
        self, *, principal: Principal, variant_id: str, command: use_cases.UpdateVariant
    ) -> VariantStock:
        return use_cases.variant_update(
            uow=self.uow(),
            vendors=self.vendors,
            principal=principal,
            variant_id=variant_id,
            command=command,
            clock=self.clock,
            precheck=self.precheck,
        )

    # --- the public catalog -------------------------------------------------------------------

    def catalog_search(self, *, filters: CatalogFilter, page: PageRequest) -> Page[CatalogEntry]:
        return use_cases.catalog_search(catalog=self.catalog, filters=filters, page=page)

    def catalog_get(self, *, service_id: str) -> CatalogEntry:
        return use_cases.catalog_get(catalog=self.catalog, service_id=service_id)
