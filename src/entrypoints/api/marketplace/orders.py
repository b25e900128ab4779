"""Marketplace orders: a customer orders a variant (its stock reserved, a payment started), the vendor
completes it, either calls an unpaid one off. 409 ``out_of_stock`` when there is not enough.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.marketplace.orders import PlaceOrder
from application.marketplace.services import MarketplaceServices
from application.payments.payments import CardData
from application.payments.ports import OrderFilter
from application.payments.representations import order_view
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.idempotency import idempotent, intent_key
from entrypoints.api.marketplace.schemas import (
    MarketplaceOrderIn,
    MarketplaceOrderOut,
    MarketplaceOrderPage,
    MarketplaceOrderQuery,
    PlacedOrderOut,
    marketplace_order_out,
    placed_out,
)
from entrypoints.api.payments.schemas import CustomerIn, OrderOut
from entrypoints.api.schemas import PROBLEM_RESPONSES, Problem
from entrypoints.bootstrap import container

router = Router(tags=["marketplace"])

VENDOR = auth_for(Role.VENDOR)
CUSTOMER = auth_for(Role.CUSTOMER)
MARKETPLACE_USERS = auth_for(Role.CUSTOMER, Role.VENDOR, Role.ADMIN)
ORDER_RESPONSES: dict[int, Any] = {**PROBLEM_RESPONSES, 503: Problem}


def marketplace() -> MarketplaceServices:
    return container().marketplace


@router.post(
    "/orders",
    response={201: PlacedOrderOut, **ORDER_RESPONSES},
    auth=CUSTOMER,
    operation_id="marketplace_orders_create",
)
@idempotent
def marketplace_orders_create(request: HttpRequest, payload: MarketplaceOrderIn) -> Status[PlacedOrderOut]:
    card = payload.card
    customer = payload.customer or CustomerIn()
    placed = marketplace().marketplace_order_place(
        principal=principal(request),
        command=PlaceOrder(
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


@router.get(
    "/orders",
    response={200: MarketplaceOrderPage, **PROBLEM_RESPONSES},
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_list",
)
def marketplace_orders_list(request: HttpRequest, filters: Query[MarketplaceOrderQuery]) -> MarketplaceOrderPage:
    page = marketplace().marketplace_orders_list(
        principal=principal(request),
        filters=OrderFilter(
            status=filters.status, created_after=filters.created_after, created_before=filters.created_before
        ),
        page=filters.page_request(),
    )
    return MarketplaceOrderPage(items=[OrderOut(**order_view(o)) for o in page.items], next_cursor=page.next_cursor)


@router.get(
    "/orders/{order_id}",
    response={200: MarketplaceOrderOut, **PROBLEM_RESPONSES},
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_get",
)
def marketplace_orders_get(request: HttpRequest, order_id: str) -> MarketplaceOrderOut:
    return marketplace_order_out(marketplace().marketplace_order_get(principal=principal(request), order_id=order_id))


@router.post(
    "/orders/{order_id}/complete",
    response={200: OrderOut, **PROBLEM_RESPONSES},
    auth=VENDOR,
    operation_id="marketplace_orders_complete",
)
@idempotent
def marketplace_orders_complete(request: HttpRequest, order_id: str) -> OrderOut:
    completed = marketplace().marketplace_order_complete(principal=principal(request), order_id=order_id)
    return OrderOut(**order_view(completed))


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderOut, **PROBLEM_RESPONSES},
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_cancel",
)
@idempotent
def marketplace_orders_cancel(request: HttpRequest, order_id: str) -> OrderOut:
    """Calls off an unpaid order (the customer's own, a vendor's, or any for an admin); the stock comes back."""
    cancelled = marketplace().marketplace_order_cancel(principal=principal(request), order_id=order_id)
    return OrderOut(**order_view(cancelled))
