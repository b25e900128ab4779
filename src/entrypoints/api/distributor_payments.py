"""Distributor payments (seed 000's /api/payments/): recorded against a distributor, confirmed later."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from application.payments.ports import PaymentFilter
from domain.erp.sync import SyncRecord
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.idempotency import idempotent, intent_key
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments.schemas import AMOUNT_PATTERN, OrderOut, PaymentOut, order_out, payment_out
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import distributor_payments as service
from entrypoints.bootstrap import distributors, payments

router = Router(tags=["distributors"])
DISTRIBUTOR_OR_ADMIN = auth_for(Role.ADMIN, Role.DISTRIBUTOR)


class DistributorPaymentIn(InputSchema):
    amount: str = Field(pattern=AMOUNT_PATTERN, description='Decimal string, e.g. "25000.00"')
    currency: str = Field(default="INR", pattern=r"^[A-Za-z]{3}$")
    method: Literal["bank_transfer", "cashfree"]
    reference: str | None = Field(default=None, max_length=64, description="UTR for bank transfers")
    customer_email: str = Field(default="", max_length=254, description="For Cashfree's checkout")
    customer_phone: str = Field(default="", max_length=32, description="For Cashfree's checkout")


class JournalEntryOut(Schema):
    sync_status: str
    sap_document: str | None
    last_error: str | None
    livemode: bool = Field(description="false when posted to the SAP simulator")
    updated_at: datetime


class DistributorPaymentOut(Schema):
    order: OrderOut | None = None
    payment: PaymentOut
    journal_entry: JournalEntryOut | None = Field(description="SAP journal entry once the payment is confirmed")


class DistributorPaymentPage(Schema):
    items: list[DistributorPaymentOut]
    next_cursor: str | None


def _journal(record: SyncRecord | None) -> JournalEntryOut | None:
    if record is None:
        return None
    return JournalEntryOut(
        sync_status=record.status.value,
        sap_document=record.sap_id or None,
        last_error=record.last_error or None,
        livemode=record.livemode,
        updated_at=record.updated_at,
    )


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
    order, payment = service.record_payment(
        principal(request),
        distributor_id,
        amount=payload.amount,
        currency=payload.currency,
        method=payload.method,
        reference=payload.reference,
        customer_email=payload.customer_email,
        customer_phone=payload.customer_phone,
        intent_key=intent_key(request),
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
    caller = principal(request)
    found_id, _, _ = distributors.distributor_for_payment(distributor_id, caller)
    listed = payments.list_payments(caller, PaymentFilter(distributor_id=found_id), page.page_request())
    journals = service.journal_entries([str(p.id) for p in listed.items])
    return DistributorPaymentPage(
        items=[
            DistributorPaymentOut(payment=payment_out(p), journal_entry=_journal(journals.get(str(p.id))))
            for p in listed.items
        ],
        next_cursor=listed.next_cursor,
    )
