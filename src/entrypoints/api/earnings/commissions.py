"""Commissions: resellers see their own, admins all; admins approve or reject pending ones."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from application.earnings.ports import CommissionFilter
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.earnings.access import RESELLER_OR_ADMIN, earnings
from entrypoints.api.earnings.schemas.commissions import CommissionOut, CommissionPage, CommissionQuery, commission_out
from entrypoints.api.earnings.schemas.common import EarningsReasonIn, period_or_none
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES

router = Router(tags=["commissions"])


@router.get(
    "", response={200: CommissionPage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="commissions_list"
)
def commissions_list(request: HttpRequest, query: Query[CommissionQuery]) -> CommissionPage:
    filters = CommissionFilter(
        reseller_id=query.reseller_id,
        status=query.status,
        kind=query.kind,
        period=period_or_none(query.period),
        payment_id=query.payment_id,
    )
    page = earnings().commissions_list(principal=principal(request), filters=filters, page=query.page_request())
    return CommissionPage(items=[commission_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{commission_id}",
    response={200: CommissionOut, **PROBLEM_RESPONSES},
    auth=RESELLER_OR_ADMIN,
    operation_id="commissions_get",
)
def commissions_get(request: HttpRequest, commission_id: str) -> CommissionOut:
    return commission_out(earnings().commission_get(principal=principal(request), commission_id=commission_id))


@router.post(
    "/{commission_id}/approve",
    response={200: CommissionOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="commissions_approve",
)
@idempotent
def commissions_approve(request: HttpRequest, commission_id: str) -> CommissionOut:
    return commission_out(earnings().commission_approve(principal=principal(request), commission_id=commission_id))


@router.post(
    "/{commission_id}/reject",
    response={200: CommissionOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="commissions_reject",
)
@idempotent
def commissions_reject(request: HttpRequest, commission_id: str, payload: EarningsReasonIn) -> CommissionOut:
    rejected = earnings().commission_reject(
        principal=principal(request), commission_id=commission_id, reason=payload.reason
    )
    return commission_out(rejected)
