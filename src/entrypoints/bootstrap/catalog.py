"""Catalog wiring: service and variant repositories, vendor accounts, the public catalog, the stock pre-check."""

from __future__ import annotations

from adapters.cache.stock_precheck import RedisStockPrecheck
from adapters.django_orm.catalog.repositories import (
    DjangoCatalogQuery,
    DjangoServiceRepository,
    DjangoVariantRepository,
)
from adapters.django_orm.catalog.vendors import DjangoVendorAccounts
from application.catalog.services import CatalogServices
from entrypoints.bootstrap.platform import Platform, setting


def build(built: Platform) -> CatalogServices:
    services, variants = DjangoServiceRepository(), DjangoVariantRepository()

    # Seed 001's Redis counter, only when MARKETPLACE_STOCK_PRECHECK_URL names a Redis.
    precheck_url = setting("MARKETPLACE_STOCK_PRECHECK_URL", None)
    return CatalogServices(
        uow=built.uow_factory(services=services, variants=variants),
        services=services,
        variants=variants,
        vendors=DjangoVendorAccounts(),
        catalog=DjangoCatalogQuery(),
        clock=built.clock,
        precheck=RedisStockPrecheck(precheck_url) if precheck_url else None,
    )
