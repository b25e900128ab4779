"""Vendors' services (admins see every vendor's): create, list, read with variants and stock, change.

Another vendor's service is 404; an inactive vendor can read but every write answers 403 ``vendor_inactive``.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.catalog.ports import ServiceFilter
from application.catalog.services import CatalogServices
from application.catalog.use_cases import CreateService, UpdateService
from domain.catalog.service import clean_category
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.catalog.schemas import (
    ServiceDetailOut,
    ServiceIn,
    ServiceOut,
    ServicePage,
    ServicePatchIn,
    ServiceQuery,
    service_out,
    variant_out,
)
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["services"])

VENDOR = auth_for(Role.VENDOR)
VENDOR_OR_ADMIN = auth_for(Role.VENDOR, Role.ADMIN)


def catalog() -> CatalogServices:
    return container().catalog


@router.post("", response={201: ServiceOut, **PROBLEM_RESPONSES}, auth=VENDOR, operation_id="services_create")
@idempotent
def services_create(request: HttpRequest, payload: ServiceIn) -> Status[ServiceOut]:
    created = catalog().service_create(
        principal=principal(request),
        command=CreateService(name=payload.name, description=payload.description, category=payload.category),
    )
    return Status(201, service_out(created))


@router.get("", response={200: ServicePage, **PROBLEM_RESPONSES}, auth=VENDOR_OR_ADMIN, operation_id="services_list")
def services_list(request: HttpRequest, filters: Query[ServiceQuery]) -> ServicePage:
    category = clean_category(filters.category) if filters.category else None
    page = catalog().services_list(
        principal=principal(request),
        filters=ServiceFilter(vendor_id=filters.vendor_id, is_active=filters.is_active, category=category),
        page=filters.page_request(),
    )
    return ServicePage(items=[service_out(s) for s in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{service_id}",
    response={200: ServiceDetailOut, **PROBLEM_RESPONSES},
    auth=VENDOR_OR_ADMIN,
    operation_id="services_get",
)
def services_get(request: HttpRequest, service_id: str) -> ServiceDetailOut:
    found, variants = catalog().service_get(principal=principal(request), service_id=service_id)
    return ServiceDetailOut(**service_out(found).model_dump(), variants=[variant_out(v) for v in variants])


@router.patch(
    "/{service_id}",
    response={200: ServiceOut, **PROBLEM_RESPONSES},
    auth=VENDOR_OR_ADMIN,
    operation_id="services_update",
)
def services_update(request: HttpRequest, service_id: str, payload: ServicePatchIn) -> ServiceOut:
    updated = catalog().service_update(
        principal=principal(request),
        service_id=service_id,
        command=UpdateService(
            name=payload.name, description=payload.description, category=payload.category, is_active=payload.is_active
        ),
    )
    return service_out(updated)
