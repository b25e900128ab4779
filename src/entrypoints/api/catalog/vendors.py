"""Admin routes over vendors: list them, activate or deactivate them (a vendor starts inactive)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from application.catalog.ports import VendorFilter
from application.catalog.services import CatalogServices
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.catalog.schemas import VendorOut, VendorPage, VendorQuery, vendor_out
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["vendors"])


def catalog() -> CatalogServices:
    return container().catalog


@router.get("/vendors", response={200: VendorPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_vendors_list")
def admin_vendors_list(request: HttpRequest, filters: Query[VendorQuery]) -> VendorPage:
    page = catalog().vendors_list(
        principal=principal(request),
        filters=VendorFilter(is_active=filters.is_active, search=filters.q),
        page=filters.page_request(),
    )
    return VendorPage(items=[vendor_out(v) for v in page.items], next_cursor=page.next_cursor)


@router.post(
    "/vendors/{vendor_id}/activate",
    response={200: VendorOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_vendors_activate",
)
@idempotent
def admin_vendors_activate(request: HttpRequest, vendor_id: str) -> VendorOut:
    return vendor_out(catalog().vendor_set_active(principal=principal(request), vendor_id=vendor_id, active=True))


@router.post(
    "/vendors/{vendor_id}/deactivate",
    response={200: VendorOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_vendors_deactivate",
)
@idempotent
def admin_vendors_deactivate(request: HttpRequest, vendor_id: str) -> VendorOut:
    return vendor_out(catalog().vendor_set_active(principal=principal(request), vendor_id=vendor_id, active=False))
