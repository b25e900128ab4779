"""Refunds: full or partial, through the payment's provider (``/api/v1/refunds``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.payments.ports import RefundFilter
from application.payments.refunds import CreateRefund
from application.payments.services import PaymentsServices
from entrypoints.api.auth import ADMIN, SELLERS, principal
from entrypoints.api.idempotency import idempotent, intent_key
from entrypoints.api.payments.schemas import (
    RefundConfirmIn,
    RefundCreateIn,
    RefundOut,
    RefundPage,
    RefundQuery,
    refund_out,
)
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["refunds"])


def payments() -> PaymentsServices:
    return container().payments


@router.post("", response={201: RefundOut, **PROBLEM_RESPONSES}, auth=SELLERS, operation_id="refunds_create")
@idempotent
def refunds_create(request: HttpRequest, payload: RefundCreateIn) -> Status[RefundOut]:
    refund = payments().refund_create(
        principal=principal(request),
        command=CreateRefund(
            payment_id=payload.payment_id, amount=payload.amount, reason=payload.reason, intent_key=intent_key(request)
        ),
    )
    return Status(201, refund_out(refund))


@router.get("", response={200: RefundPage, **PROBLEM_RESPONSES}, auth=SELLERS, operation_id="refunds_list")
def refunds_list(request: HttpRequest, filters: Query[RefundQuery]) -> RefundPage:
    page = payments().refunds_list(
        principal=principal(request), filters=RefundFilter(payment_id=filters.payment_id), page=filters.page_request()
    )
    return RefundPage(items=[refund_out(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/{refund_id}", response={200: RefundOut, **PROBLEM_RESPONSES}, auth=SELLERS, operation_id="refunds_get")
def refunds_get(request: HttpRequest, refund_id: str) -> RefundOut:
    return refund_out(payments().refund_get(principal=principal(request), refund_id=refund_id))


@router.post(
    "/{refund_id}/confirm",
    response={200: RefundOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="refunds_confirm",
)
@idempotent
def refunds_confirm(request: HttpRequest, refund_id: str, payload: RefundConfirmIn) -> RefundOut:
    """An admin confirms a bank-transfer refund was sent back, with the transfer's reference."""
    return refund_out(
        payments().refund_confirm(principal=principal(request), refund_id=refund_id, reference=payload.reference)
    )
