"""Catalog wiring: service and variant repositories, vendor accounts, the public catalog, the stock pre-check."""

from __future__ import annotations

from adapters.cache.stock_precheck import stock_precheck_from_settings
from adapters.django_orm.catalog.repositories import (
    DjangoCatalogQuery,
    DjangoServiceRepository,
    DjangoVariantRepository,
)
from adapters.django_orm.catalog.vendors import DjangoVendorAccounts
from application.catalog.services import CatalogServices
from entrypoints.bootstrap.platform import Platform


def build(built: Platform) -> CatalogServices:
    services, variants = DjangoServiceRepository(), DjangoVariantRepository()
    return CatalogServices(
        uow=built.uow_factory(services=services, variants=variants),
        services=services,
        variants=variants,
        vendors=DjangoVendorAccounts(),
        catalog=DjangoCatalogQuery(),
        clock=built.clock,
        precheck=stock_precheck_from_settings(),
    )
