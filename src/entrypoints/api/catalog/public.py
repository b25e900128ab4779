"""The public catalog: active services of active vendors with their active variants; no credentials needed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from application.catalog.ports import CatalogFilter
from application.catalog.services import CatalogServices
from domain.catalog.service import clean_category
from domain.shared.money import Money
from entrypoints.api.catalog.schemas import (
    CatalogPage,
    CatalogQueryIn,
    CatalogServiceDetailOut,
    CatalogServiceOut,
    catalog_out,
    catalog_variant_out,
)
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["catalog"])


def catalog() -> CatalogServices:
    return container().catalog


@router.get("/services", response={200: CatalogPage, **PROBLEM_RESPONSES}, operation_id="catalog_services_list")
def catalog_services_list(request: HttpRequest, filters: Query[CatalogQueryIn]) -> CatalogPage:
    priced = filters.min_price is not None or filters.max_price is not None
    currency = (filters.currency or ("INR" if priced else "")).upper() or None
    page = catalog().catalog_search(
        filters=CatalogFilter(
            search=filters.q.strip() if filters.q and filters.q.strip() else None,
            vendor_id=filters.vendor_id,
            category=clean_category(filters.category) if filters.category else None,
            currency=currency,
            min_price=Money.parse(filters.min_price, currency or "INR") if filters.min_price else None,
            max_price=Money.parse(filters.max_price, currency or "INR") if filters.max_price else None,
        ),
        page=filters.page_request(),
    )
    return CatalogPage(items=[CatalogServiceOut(**catalog_out(e)) for e in page.items], next_cursor=page.next_cursor)


@router.get(
    "/services/{service_id}",
    response={200: CatalogServiceDetailOut, **PROBLEM_RESPONSES},
    operation_id="catalog_services_get",
)
def catalog_services_get(request: HttpRequest, service_id: str) -> CatalogServiceDetailOut:
    entry = catalog().catalog_get(service_id=service_id)
    return CatalogServiceDetailOut(**catalog_out(entry), variants=[catalog_variant_out(v) for v in entry.variants])
