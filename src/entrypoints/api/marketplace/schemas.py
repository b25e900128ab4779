"""Schemas of the marketplace order and invoice routes and their mappers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from application.marketplace.orders import MarketplaceOrder, PlacedOrder
from application.payments.representations import order_view, payment_view
from domain.catalog.reservation import Reservation
from domain.catalog.service import MAX_ORDER_QUANTITY
from domain.payments.order import OrderStatus
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments.schemas import CardIn, CustomerIn, OrderOut
from entrypoints.api.schemas import InputSchema


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
