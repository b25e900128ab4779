"""Distributor payments (seed 000's /api/payments/): recorded against a distributor, confirmed later."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.distributors.payments import RecordPayment
from application.distributors.services import DistributorsServices
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.distributors.schemas import (
    DistributorPaymentIn,
    DistributorPaymentOut,
    DistributorPaymentPage,
    distributor_payment_out,
)
from entrypoints.api.idempotency import idempotent, intent_key
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments.schemas import order_out, payment_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["distributors"])
DISTRIBUTOR_OR_ADMIN = auth_for(Role.ADMIN, Role.DISTRIBUTOR)


def distributors() -> DistributorsServices:
    return container().distributors


@router.post(
    "/{distributor_id}/payments",
    response={201: DistributorPaymentOut, **PROBLEM_RESPONSES},
    auth=DISTRIBUTOR_OR_ADMIN,
    operation_id="distributor_payments_create",
)
@idempotent
def distributor_payments_create(
    request: HttpRequest, distributor_id: str, payload: DistributorPaymentIn
) -> Status[DistributorPaymentOut]:
    order, payment = distributors().distributor_payment_record(
        principal=principal(request),
        distributor_id=distributor_id,
        command=RecordPayment(
            amount=payload.amount,
            currency=payload.currency,
            method=payload.method,
            reference=payload.reference,
            customer_email=payload.customer_email,
            customer_phone=payload.customer_phone,
            intent_key=intent_key(request),
        ),
    )
    return Status(201, DistributorPaymentOut(order=order_out(order), payment=payment_out(payment), journal_entry=None))


@router.get(
    "/{distributor_id}/payments",
    response={200: DistributorPaymentPage, **PROBLEM_RESPONSES},
    auth=DISTRIBUTOR_OR_ADMIN,
    operation_id="distributor_payments_list",
)
def distributor_payments_list(
    request: HttpRequest, distributor_id: str, page: Query[PageQuery]
) -> DistributorPaymentPage:
    listed = distributors().distributor_payments_list(
        principal=principal(request), distributor_id=distributor_id, page=page.page_request()
    )
    return DistributorPaymentPage(
        items=[distributor_payment_out(item) for item in listed.items], next_cursor=listed.next_cursor
    )
