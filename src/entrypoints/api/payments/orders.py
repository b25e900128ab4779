"""Orders: what a buyer owes a seller (``/api/v1/orders``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from application.payments.orders import CreateOrder
from application.payments.ports import OrderFilter
from application.payments.services import PaymentsServices
from entrypoints.api.auth import ANY_USER, MERCHANT, SELLERS, principal
from entrypoints.api.idempotency import idempotent, idempotent_with_the_work, intent_key
from entrypoints.api.payments.schemas import OrderCreateIn, OrderOut, OrderPage, OrderQuery, order_json, order_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["orders"])


def payments() -> PaymentsServices:
    return container().payments


@router.post("", response={201: OrderOut, **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="orders_create")
@idempotent_with_the_work
def orders_create(request: HttpRequest, payload: OrderCreateIn) -> Status[OrderOut] | HttpResponse:
    order = payments().order_create(
        seller_id=principal(request).user_id,
        command=CreateOrder(
            amount=payload.amount,
            currency=payload.currency,
            description=payload.description,
            reference=payload.reference,
            metadata=dict(payload.metadata),
            expires_at=payload.expires_at,
            intent_key=intent_key(request),
        ),
    )
    # The body the schema would render, written without validating it again (see order_json).
    body = order_json(order)
    if body is None:
        return Status(201, order_out(order))
    return HttpResponse(body, status=201, content_type="application/json")


@router.get("", response={200: OrderPage, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="orders_list")
def orders_list(request: HttpRequest, filters: Query[OrderQuery]) -> OrderPage:
    page = payments().orders_list(
        principal=principal(request),
        filters=OrderFilter(
            status=filters.status, created_after=filters.created_after, created_before=filters.created_before
        ),
        page=filters.page_request(),
    )
    return OrderPage(items=[order_out(o) for o in page.items], next_cursor=page.next_cursor)


@router.get("/{order_id}", response={200: OrderOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="orders_get")
def orders_get(request: HttpRequest, order_id: str) -> OrderOut:
    return order_out(payments().order_get(principal=principal(request), order_id=order_id))


@router.post(
    "/{order_id}/cancel", response={200: OrderOut, **PROBLEM_RESPONSES}, auth=SELLERS, operation_id="orders_cancel"
)
@idempotent
def orders_cancel(request: HttpRequest, order_id: str) -> OrderOut:
    return order_out(payments().order_cancel(principal=principal(request), order_id=order_id))
