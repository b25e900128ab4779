"""Marketplace routes (seed 001): vendor activation, services and variants, the public catalog, orders, invoices.

Vendors manage their own services (another vendor's are 404); an inactive vendor can read but
every write answers 403 ``vendor_inactive``. The catalog needs no credentials. Customers order a
variant: its stock is reserved atomically and a payment started (409 ``out_of_stock`` when there
is not enough). Invoices are PDFs under the payments ``/api/v1/orders`` prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from application.catalog.ports import (
    CatalogEntry,
    CatalogFilter,
    ServiceFilter,
    VariantStock,
    VendorAccount,
    VendorFilter,
)
from application.catalog.use_cases import CreateService, CreateVariant, UpdateService, UpdateVariant
from application.marketplace.orders import MarketplaceOrder, PlacedOrder, PlaceOrder
from application.payments.payments import CardData
from application.payments.ports import OrderFilter
from application.payments.representations import order_view, payment_view
from domain.catalog.reservation import Reservation
from domain.catalog.service import MAX_ORDER_QUANTITY, MAX_STOCK, Service, Variant, clean_category
from domain.identity.user import Role
from domain.payments.order import OrderStatus
from domain.shared.money import Money
from entrypoints.api.auth import ADMIN, auth_for, principal
from entrypoints.api.idempotency import idempotent, intent_key
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments.schemas import AMOUNT_PATTERN, CardIn, CustomerIn, OrderOut
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema, Problem
from entrypoints.bootstrap import marketplace as service

vendors_admin_router = Router(tags=["vendors"])
services_router = Router(tags=["services"])
variants_router = Router(tags=["services"])
catalog_router = Router(tags=["catalog"])
orders_router = Router(tags=["marketplace"])
invoices_router = Router(tags=["marketplace"])

VENDOR = auth_for(Role.VENDOR)
VENDOR_OR_ADMIN = auth_for(Role.VENDOR, Role.ADMIN)
CUSTOMER = auth_for(Role.CUSTOMER)
MARKETPLACE_USERS = auth_for(Role.CUSTOMER, Role.VENDOR, Role.ADMIN)
ORDER_RESPONSES: dict[int, Any] = {**PROBLEM_RESPONSES, 503: Problem}

Price = Field(pattern=AMOUNT_PATTERN, description='Decimal string in major units, e.g. "1499.00"', examples=["1499.00"])
CurrencyCode = Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code", examples=["INR"])


# --- schemas --------------------------------------------------------------------------------


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


class MarketplaceOrderIn(InputSchema):
    variant_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=MAX_ORDER_QUANTITY)
    method: Literal["sslcommerz", "card", "cashfree"] = Field(
        default="sslcommerz", description="sslcommerz and cashfree answer a redirect_url / checkout for the buyer"
    )
    card: CardIn | None = Field(default=None, description="Required for method card; never stored")
    customer: CustomerIn | None = None
    return_url: str = Field(default="", max_length=2000, description="Where a hosted checkout sends the buyer back")


class ReservationOut(Schema):
    id: str
    variant_id: str
    quantity: int
    status: str = Field(description="active, consumed (sold) or released")
    expires_at: datetime
    release_reason: str | None
    late_payment: str | None = Field(description="re_reserved or refunded when a payment arrived after expiry")


class PaymentSummaryOut(Schema):
    id: str
    method: str
    status: str
    amount: str
    currency: str
    redirect_url: str | None
    checkout: dict[str, Any] | None
    failure_code: str | None
    failure_message: str | None


class PlacedOrderOut(Schema):
    order: OrderOut
    payment: PaymentSummaryOut
    reservation: ReservationOut


class InvoiceSummaryOut(Schema):
    number: str
    issued_at: datetime
    total: str
    currency: str
    url: str


class MarketplaceOrderOut(OrderOut):
    reservation: ReservationOut | None
    invoice: InvoiceSummaryOut | None


class MarketplaceOrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class MarketplaceOrderQuery(PageQuery):
    status: OrderStatus | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


# --- mapping --------------------------------------------------------------------------------


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


def reservation_out(reservation: Reservation) -> ReservationOut:
    return ReservationOut(
        id=str(reservation.id),
        variant_id=str(reservation.variant_id),
        quantity=reservation.quantity,
        status=reservation.status.value,
        expires_at=reservation.expires_at,
        release_reason=reservation.release_reason or None,
        late_payment=reservation.late_payment.value or None,
    )


def placed_out(placed: PlacedOrder) -> PlacedOrderOut:
    payment = payment_view(placed.payment)
    return PlacedOrderOut(
        order=OrderOut(**order_view(placed.order)),
        payment=PaymentSummaryOut(**{key: payment[key] for key in PaymentSummaryOut.model_fields}),
        reservation=reservation_out(placed.reservation),
    )


def marketplace_order_out(found: MarketplaceOrder) -> MarketplaceOrderOut:
    invoice = None
    if found.invoice is not None:
        invoice = InvoiceSummaryOut(
            number=found.invoice.number,
            issued_at=found.invoice.issued_at,
            total=found.invoice.total.to_decimal_string(),
            currency=found.invoice.total.currency,
            url=f"/api/v1/orders/{found.order.id}/invoice",
        )
    return MarketplaceOrderOut(
        **order_view(found.order),
        reservation=reservation_out(found.reservation) if found.reservation else None,
        invoice=invoice,
    )


# --- admin: vendors -------------------------------------------------------------------------


@vendors_admin_router.get(
    "/vendors", response={200: VendorPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_vendors_list"
)
def admin_vendors_list(request: HttpRequest, filters: Query[VendorQuery]) -> VendorPage:
    page = service.list_vendors(
        principal(request), VendorFilter(is_active=filters.is_active, search=filters.q), filters.page_request()
    )
    return VendorPage(items=[vendor_out(v) for v in page.items], next_cursor=page.next_cursor)


@vendors_admin_router.post(
    "/vendors/{vendor_id}/activate",
    response={200: VendorOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_vendors_activate",
)
@idempotent
def admin_vendors_activate(request: HttpRequest, vendor_id: str) -> VendorOut:
    return vendor_out(service.set_vendor_active(principal(request), vendor_id, active=True))


@vendors_admin_router.post(
    "/vendors/{vendor_id}/deactivate",
    response={200: VendorOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_vendors_deactivate",
)
@idempotent
def admin_vendors_deactivate(request: HttpRequest, vendor_id: str) -> VendorOut:
    return vendor_out(service.set_vendor_active(principal(request), vendor_id, active=False))


# --- vendors: services and variants ---------------------------------------------------------


@services_router.post("", response={201: ServiceOut, **PROBLEM_RESPONSES}, auth=VENDOR, operation_id="services_create")
@idempotent
def services_create(request: HttpRequest, payload: ServiceIn) -> Status[ServiceOut]:
    created = service.create_service(
        principal(request),
        CreateService(name=payload.name, description=payload.description, category=payload.category),
    )
    return Status(201, service_out(created))


@services_router.get(
    "", response={200: ServicePage, **PROBLEM_RESPONSES}, auth=VENDOR_OR_ADMIN, operation_id="services_list"
)
def services_list(request: HttpRequest, filters: Query[ServiceQuery]) -> ServicePage:
    category = clean_category(filters.category) if filters.category else None
    page = service.list_services(
        principal(request),
        ServiceFilter(vendor_id=filters.vendor_id, is_active=filters.is_active, category=category),
        filters.page_request(),
    )
    return ServicePage(items=[service_out(s) for s in page.items], next_cursor=page.next_cursor)


@services_router.get(
    "/{service_id}",
    response={200: ServiceDetailOut, **PROBLEM_RESPONSES},
    auth=VENDOR_OR_ADMIN,
    operation_id="services_get",
)
def services_get(request: HttpRequest, service_id: str) -> ServiceDetailOut:
    found, variants = service.get_service(principal(request), service_id)
    return ServiceDetailOut(**service_out(found).model_dump(), variants=[variant_out(v) for v in variants])


@services_router.patch(
    "/{service_id}",
    response={200: ServiceOut, **PROBLEM_RESPONSES},
    auth=VENDOR_OR_ADMIN,
    operation_id="services_update",
)
def services_update(request: HttpRequest, service_id: str, payload: ServicePatchIn) -> ServiceOut:
    updated = service.update_service(
        principal(request),
        service_id,
        UpdateService(
            name=payload.name, description=payload.description, category=payload.category, is_active=payload.is_active
        ),
    )
    return service_out(updated)


@services_router.post(
    "/{service_id}/variants",
    response={201: VariantOut, **PROBLEM_RESPONSES},
    auth=VENDOR,
    operation_id="variants_create",
)
@idempotent
def variants_create(request: HttpRequest, service_id: str, payload: VariantIn) -> Status[VariantOut]:
    created = service.create_variant(
        principal(request),
        service_id,
        CreateVariant(name=payload.name, price=payload.price, currency=payload.currency, stock=payload.stock),
    )
    return Status(201, variant_out(created))


@variants_router.patch(
    "/{variant_id}",
    response={200: VariantOut, **PROBLEM_RESPONSES},
    auth=VENDOR_OR_ADMIN,
    operation_id="variants_update",
)
def variants_update(request: HttpRequest, variant_id: str, payload: VariantPatchIn) -> VariantOut:
    updated = service.update_variant(
        principal(request),
        variant_id,
        UpdateVariant(
            name=payload.name,
            price=payload.price,
            currency=payload.currency,
            stock_delta=payload.stock_delta,
            is_active=payload.is_active,
        ),
    )
    return variant_out(updated)


# --- the public catalog ---------------------------------------------------------------------


@catalog_router.get("/services", response={200: CatalogPage, **PROBLEM_RESPONSES}, operation_id="catalog_services_list")
def catalog_services_list(request: HttpRequest, filters: Query[CatalogQueryIn]) -> CatalogPage:
    priced = filters.min_price is not None or filters.max_price is not None
    currency = (filters.currency or ("INR" if priced else "")).upper() or None
    page = service.search_catalog(
        CatalogFilter(
            search=filters.q.strip() if filters.q and filters.q.strip() else None,
            vendor_id=filters.vendor_id,
            category=clean_category(filters.category) if filters.category else None,
            currency=currency,
            min_price=Money.parse(filters.min_price, currency or "INR") if filters.min_price else None,
            max_price=Money.parse(filters.max_price, currency or "INR") if filters.max_price else None,
        ),
        filters.page_request(),
    )
    return CatalogPage(items=[CatalogServiceOut(**catalog_out(e)) for e in page.items], next_cursor=page.next_cursor)


@catalog_router.get(
    "/services/{service_id}",
    response={200: CatalogServiceDetailOut, **PROBLEM_RESPONSES},
    operation_id="catalog_services_get",
)
def catalog_services_get(request: HttpRequest, service_id: str) -> CatalogServiceDetailOut:
    entry = service.get_catalog_service(service_id)
    return CatalogServiceDetailOut(**catalog_out(entry), variants=[catalog_variant_out(v) for v in entry.variants])


# --- orders ---------------------------------------------------------------------------------


@orders_router.post(
    "/orders",
    response={201: PlacedOrderOut, **ORDER_RESPONSES},
    auth=CUSTOMER,
    operation_id="marketplace_orders_create",
)
@idempotent
def marketplace_orders_create(request: HttpRequest, payload: MarketplaceOrderIn) -> Status[PlacedOrderOut]:
    card = payload.card
    customer = payload.customer or CustomerIn()
    placed = service.place_order(
        principal(request),
        PlaceOrder(
            variant_id=payload.variant_id,
            quantity=payload.quantity,
            method=payload.method,
            card=CardData(number=card.number, expiry=card.expiry, cvv=card.cvv, holder=card.holder) if card else None,
            customer_email=customer.email,
            customer_phone=customer.phone,
            customer_name=customer.name,
            return_url=payload.return_url,
            intent_key=intent_key(request),
        ),
    )
    return Status(201, placed_out(placed))


@orders_router.get(
    "/orders",
    response={200: MarketplaceOrderPage, **PROBLEM_RESPONSES},
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_list",
)
def marketplace_orders_list(request: HttpRequest, filters: Query[MarketplaceOrderQuery]) -> MarketplaceOrderPage:
    page = service.list_orders(
        principal(request),
        OrderFilter(status=filters.status, created_after=filters.created_after, created_before=filters.created_before),
        filters.page_request(),
    )
    return MarketplaceOrderPage(items=[OrderOut(**order_view(o)) for o in page.items], next_cursor=page.next_cursor)


@orders_router.get(
    "/orders/{order_id}",
    response={200: MarketplaceOrderOut, **PROBLEM_RESPONSES},
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_get",
)
def marketplace_orders_get(request: HttpRequest, order_id: str) -> MarketplaceOrderOut:
    return marketplace_order_out(service.get_order(principal(request), order_id))


@orders_router.post(
    "/orders/{order_id}/complete",
    response={200: OrderOut, **PROBLEM_RESPONSES},
    auth=VENDOR,
    operation_id="marketplace_orders_complete",
)
@idempotent
def marketplace_orders_complete(request: HttpRequest, order_id: str) -> OrderOut:
    return OrderOut(**order_view(service.complete_order(principal(request), order_id)))


@orders_router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderOut, **PROBLEM_RESPONSES},
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_cancel",
)
@idempotent
def marketplace_orders_cancel(request: HttpRequest, order_id: str) -> OrderOut:
    """Calls off an unpaid order (the customer's own, a vendor's, or any for an admin); the stock comes back."""
    return OrderOut(**order_view(service.cancel_order(principal(request), order_id)))


@invoices_router.get(
    "/{order_id}/invoice",
    response=PROBLEM_RESPONSES,
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_invoice",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invoice as a PDF (409 invoice_not_ready until it has been produced after payment)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def marketplace_orders_invoice(request: HttpRequest, order_id: str) -> HttpResponse:
    document = service.invoice_pdf(principal(request), order_id)
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response
