"""Payments: paying an order by card, bank transfer or a hosted checkout (``/api/v1/payments``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from application.payments.payments import CardData, CreatePayment
from application.payments.ports import PaymentFilter
from application.payments.services import PaymentsServices
from entrypoints.api.auth import ADMIN, ANY_USER, SELLERS, principal
from entrypoints.api.idempotency import idempotent, intent_key
from entrypoints.api.payments.schemas import (
    CustomerIn,
    PaymentCreateIn,
    PaymentOut,
    PaymentPage,
    PaymentQuery,
    payment_json,
    payment_out,
)
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["payments"])


def payments() -> PaymentsServices:
    return container().payments


@router.post("", response={201: PaymentOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="payments_create")
@idempotent
def payments_create(request: HttpRequest, payload: PaymentCreateIn) -> Status[PaymentOut] | HttpResponse:
    card = payload.card
    customer = payload.customer or CustomerIn()
    payment = payments().payment_create(
        principal=principal(request),
        command=CreatePayment(
            order_id=payload.order_id,
            method=payload.method,
            card=CardData(number=card.number, expiry=card.expiry, cvv=card.cvv, holder=card.holder) if card else None,
            bank_reference=payload.bank_transfer.reference if payload.bank_transfer else None,
            capture=payload.capture,
            customer_email=customer.email,
            customer_phone=customer.phone,
            customer_name=customer.name,
            return_url=payload.return_url,
            intent_key=intent_key(request),
        ),
    )
    # The body the schema would render, written without validating it again (see payment_json).
    body = payment_json(payment)
    if body is None:
        return Status(201, payment_out(payment))
    return HttpResponse(body, status=201, content_type="application/json")


@router.get("", response={200: PaymentPage, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="payments_list")
def payments_list(request: HttpRequest, filters: Query[PaymentQuery]) -> PaymentPage:
    page = payments().payments_list(
        principal=principal(request),
        filters=PaymentFilter(
            status=filters.status,
            method=filters.method,
            order_id=filters.order_id,
            distributor_id=filters.distributor_id,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        page=filters.page_request(),
    )
    return PaymentPage(items=[payment_out(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{payment_id}", response={200: PaymentOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="payments_get"
)
def payments_get(request: HttpRequest, payment_id: str) -> PaymentOut:
    return payment_out(payments().payment_get(principal=principal(request), payment_id=payment_id))


@router.post(
    "/{payment_id}/capture",
    response={200: PaymentOut, **PROBLEM_RESPONSES},
    auth=SELLERS,
    operation_id="payments_capture",
)
@idempotent
def payments_capture(request: HttpRequest, payment_id: str) -> PaymentOut:
    return payment_out(payments().payment_capture(principal=principal(request), payment_id=payment_id))


@router.post(
    "/{payment_id}/confirm",
    response={200: PaymentOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="payments_confirm",
)
@idempotent
def payments_confirm(request: HttpRequest, payment_id: str) -> PaymentOut:
    return payment_out(payments().payment_confirm(principal=principal(request), payment_id=payment_id))
