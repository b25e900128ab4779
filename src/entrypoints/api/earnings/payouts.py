"""Payouts: a reseller requests one from its available balance; admins approve or reject it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.earnings.payouts import RequestPayout
from application.earnings.ports import PayoutFilter
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.earnings.access import RESELLER, RESELLER_OR_ADMIN, earnings
from entrypoints.api.earnings.schemas.common import EarningsReasonIn
from entrypoints.api.earnings.schemas.payouts import PayoutIn, PayoutOut, PayoutPage, PayoutQuery, payout_out
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES

router = Router(tags=["payouts"])


@router.post("", response={201: PayoutOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="payouts_create")
@idempotent
def payouts_create(request: HttpRequest, payload: PayoutIn) -> Status[PayoutOut]:
    command = RequestPayout(amount=payload.amount, method=payload.method, destination=payload.destination)
    return Status(201, payout_out(earnings().payout_request(principal=principal(request), command=command)))


@router.get("", response={200: PayoutPage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="payouts_list")
def payouts_list(request: HttpRequest, query: Query[PayoutQuery]) -> PayoutPage:
    filters = PayoutFilter(reseller_id=query.reseller_id, status=query.status)
    page = earnings().payouts_list(principal=principal(request), filters=filters, page=query.page_request())
    return PayoutPage(items=[payout_out(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{payout_id}", response={200: PayoutOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="payouts_get"
)
def payouts_get(request: HttpRequest, payout_id: str) -> PayoutOut:
    return payout_out(earnings().payout_get(principal=principal(request), payout_id=payout_id))


@router.post(
    "/{payout_id}/approve", response={200: PayoutOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="payouts_approve"
)
@idempotent
def payouts_approve(request: HttpRequest, payout_id: str) -> PayoutOut:
    return payout_out(earnings().payout_approve(principal=principal(request), payout_id=payout_id))


@router.post(
    "/{payout_id}/reject", response={200: PayoutOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="payouts_reject"
)
@idempotent
def payouts_reject(request: HttpRequest, payout_id: str, payload: EarningsReasonIn) -> PayoutOut:
    rejected = earnings().payout_reject(principal=principal(request), payout_id=payout_id, reason=payload.reason)
    return payout_out(rejected)
