"""Schemas of the catalog routes (vendors, services, variants, the public catalog) and their mappers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from application.catalog.ports import CatalogEntry, VariantStock, VendorAccount
from domain.catalog.service import MAX_STOCK, Service, Variant
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments.schemas import AMOUNT_PATTERN
from entrypoints.api.schemas import InputSchema

Price = Field(pattern=AMOUNT_PATTERN, description='Decimal string in major units, e.g. "1499.00"', examples=["1499.00"])


class VendorOut(Schema):
    id: str
    email: str
    name: str
    business_name: str
    address: str
    phone: str
    is_active: bool
    created_at: datetime


class VendorPage(Schema):
    items: list[VendorOut]
    next_cursor: str | None


class VendorQuery(PageQuery):
    is_active: bool | None = None
    q: str | None = Field(default=None, max_length=200, description="Email, name or business name contains")


class ServiceIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, examples=["Engine repair"])
    description: str = Field(default="", max_length=5000)
    category: str = Field(default="", max_length=64, description="A slug, e.g. engine-repair", examples=["engine"])


class ServicePatchIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    category: str | None = Field(default=None, max_length=64)
    is_active: bool | None = None


class VariantIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, examples=["Premium"])
    price: str = Price
    currency: str = Field(default="INR", pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code", examples=["INR"])
    stock: int = Field(ge=0, le=MAX_STOCK, description="Units available to sell")


class VariantPatchIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    price: str | None = Field(default=None, pattern=AMOUNT_PATTERN)
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    stock_delta: int | None = Field(
        default=None,
        ge=-MAX_STOCK,
        le=MAX_STOCK,
        description="Units to add (positive) or remove (negative); never below what is free to sell",
    )
    is_active: bool | None = None


class VariantOut(Schema):
    id: str
    service_id: str
    name: str
    price: str
    currency: str
    available: int = Field(description="Units free to sell now")
    reserved: int = Field(description="Units held by unpaid orders")
    sold: int = Field(description="Units sold")
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ServiceOut(Schema):
    id: str
    vendor_id: str
    name: str
    description: str
    category: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ServiceDetailOut(ServiceOut):
    variants: list[VariantOut]


class ServicePage(Schema):
    items: list[ServiceOut]
    next_cursor: str | None


class ServiceQuery(PageQuery):
    is_active: bool | None = None
    category: str | None = Field(default=None, max_length=64)
    vendor_id: str | None = Field(default=None, max_length=64, description="Admins only; vendors see their own")


class CatalogVariantOut(Schema):
    id: str
    name: str
    price: str
    currency: str
    available: int


class CatalogServiceOut(Schema):
    id: str
    vendor_id: str
    vendor_name: str
    name: str
    description: str
    category: str
    price_from: str | None
    currency: str | None
    created_at: datetime


class CatalogServiceDetailOut(CatalogServiceOut):
    variants: list[CatalogVariantOut]


class CatalogPage(Schema):
    items: list[CatalogServiceOut]
    next_cursor: str | None


class CatalogQueryIn(PageQuery):
    q: str | None = Field(default=None, max_length=200, description="Text in the name, description, category or vendor")
    vendor_id: str | None = Field(default=None, max_length=64)
    category: str | None = Field(default=None, max_length=64)
    min_price: str | None = Field(default=None, pattern=AMOUNT_PATTERN, description="A variant costs at least this")
    max_price: str | None = Field(default=None, pattern=AMOUNT_PATTERN, description="A variant costs at most this")
    currency: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{3}$", description="Currency of the prices (INR when a price is given)"
    )


def vendor_out(vendor: VendorAccount) -> VendorOut:
    return VendorOut(
        id=vendor.id,
        email=vendor.email,
        name=vendor.name,
        business_name=vendor.business_name,
        address=vendor.address,
        phone=vendor.phone,
        is_active=vendor.is_active,
        created_at=vendor.created_at,
    )


def service_out(item: Service) -> ServiceOut:
    return ServiceOut(
        id=str(item.id),
        vendor_id=item.vendor_id,
        name=item.name,
        description=item.description,
        category=item.category,
        is_active=item.is_active,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def variant_out(item: VariantStock) -> VariantOut:
    variant = item.variant
    return VariantOut(
        id=str(variant.id),
        service_id=str(variant.service_id),
        name=variant.name,
        price=variant.price.to_decimal_string(),
        currency=variant.price.currency,
        available=variant.available,
        reserved=item.reserved,
        sold=item.sold,
        is_active=variant.is_active,
        created_at=variant.created_at,
        updated_at=variant.updated_at,
    )


def catalog_variant_out(variant: Variant) -> CatalogVariantOut:
    return CatalogVariantOut(
        id=str(variant.id),
        name=variant.name,
        price=variant.price.to_decimal_string(),
        currency=variant.price.currency,
        available=variant.available,
    )


def catalog_out(entry: CatalogEntry) -> dict[str, Any]:
    item = entry.service
    cheapest = entry.price_from()
    return {
        "id": str(item.id),
        "vendor_id": item.vendor_id,
        "vendor_name": entry.vendor_name,
        "name": item.name,
        "description": item.description,
        "category": item.category,
        "price_from": cheapest.to_decimal_string() if cheapest else None,
        "currency": cheapest.currency if cheapest else None,
        "created_at": item.created_at,
    }
