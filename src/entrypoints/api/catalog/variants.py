"""A service's variants: added under their service, changed (price, name, stock by a delta) by their own id."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from application.catalog.services import CatalogServices
from application.catalog.use_cases import CreateVariant, UpdateVariant
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.catalog.schemas import VariantIn, VariantOut, VariantPatchIn, variant_out
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["services"])
# Variants are created under their service's path (/services/{service_id}/variants).
service_variants_router = Router(tags=["services"])

VENDOR = auth_for(Role.VENDOR)
VENDOR_OR_ADMIN = auth_for(Role.VENDOR, Role.ADMIN)


def catalog() -> CatalogServices:
    return container().catalog


@service_variants_router.post(
    "/{service_id}/variants",
    response={201: VariantOut, **PROBLEM_RESPONSES},
    auth=VENDOR,
    operation_id="variants_create",
)
@idempotent
def variants_create(request: HttpRequest, service_id: str, payload: VariantIn) -> Status[VariantOut]:
    created = catalog().variant_create(
        principal=principal(request),
        service_id=service_id,
        command=CreateVariant(name=payload.name, price=payload.price, currency=payload.currency, stock=payload.stock),
    )
    return Status(201, variant_out(created))


@router.patch(
    "/{variant_id}",
    response={200: VariantOut, **PROBLEM_RESPONSES},
    auth=VENDOR_OR_ADMIN,
    operation_id="variants_update",
)
def variants_update(request: HttpRequest, variant_id: str, payload: VariantPatchIn) -> VariantOut:
    updated = catalog().variant_update(
        principal=principal(request),
        variant_id=variant_id,
        command=UpdateVariant(
            name=payload.name,
            price=payload.price,
            currency=payload.currency,
            stock_delta=payload.stock_delta,
            is_active=payload.is_active,
        ),
    )
    return variant_out(updated)
