"""Resellers: apply, the profile, referrals, activity and the dashboard's figures; admins approve or reject."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.earnings.ports import ResellerFilter
from domain.earnings.reseller import Reseller, ResellerDetails
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.earnings.access import RESELLER, earnings
from entrypoints.api.earnings.schemas.common import EarningsReasonIn, not_none
from entrypoints.api.earnings.schemas.resellers import (
    ActivityPage,
    ReferralPage,
    ResellerApplyIn,
    ResellerOut,
    ResellerPage,
    ResellerQuery,
    ResellerStatsOut,
    ResellerUpdateIn,
    activity_out,
    referral_out,
    reseller_out,
    stats_out,
)
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES

router = Router(tags=["resellers"])


def _out(reseller: Reseller) -> ResellerOut:
    return reseller_out(reseller, currency=earnings().config.program_currency)


@router.post("", response={201: ResellerOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_apply")
@idempotent
def resellers_apply(request: HttpRequest, payload: ResellerApplyIn) -> Status[ResellerOut]:
    details = ResellerDetails(
        business_name=payload.business_name, phone=payload.phone, website=payload.website, pitch=payload.pitch
    )
    return Status(201, _out(earnings().reseller_apply(principal=principal(request), details=details)))


@router.get("/me", response={200: ResellerOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_me")
def resellers_me(request: HttpRequest) -> ResellerOut:
    return _out(earnings().reseller_me(principal=principal(request)))


@router.patch(
    "/me", response={200: ResellerOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_update_me"
)
def resellers_update_me(request: HttpRequest, payload: ResellerUpdateIn) -> ResellerOut:
    changes = not_none(payload, "business_name", "phone", "website", "pitch")
    return _out(earnings().reseller_update(principal=principal(request), changes=changes))


@router.get(
    "/me/referrals",
    response={200: ReferralPage, **PROBLEM_RESPONSES},
    auth=RESELLER,
    operation_id="resellers_referrals",
)
def resellers_referrals(request: HttpRequest, query: Query[PageQuery]) -> ReferralPage:
    page = earnings().referrals_list(principal=principal(request), page=query.page_request())
    return ReferralPage(items=[referral_out(a) for a in page.items], next_cursor=page.next_cursor)


@router.get(
    "/me/stats", response={200: ResellerStatsOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="resellers_stats"
)
def resellers_stats(request: HttpRequest) -> ResellerStatsOut:
    return stats_out(earnings().reseller_stats(principal=principal(request)))


@router.get(
    "/me/activity",
    response={200: ActivityPage, **PROBLEM_RESPONSES},
    auth=RESELLER,
    operation_id="resellers_activity",
)
def resellers_activity(request: HttpRequest, query: Query[PageQuery]) -> ActivityPage:
    page = earnings().activity_list(principal=principal(request), page=query.page_request())
    return ActivityPage(items=[activity_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.get("", response={200: ResellerPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="resellers_list")
def resellers_list(request: HttpRequest, query: Query[ResellerQuery]) -> ResellerPage:
    page = earnings().resellers_list(
        principal=principal(request), filters=ResellerFilter(status=query.status), page=query.page_request()
    )
    return ResellerPage(items=[_out(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{reseller_id}", response={200: ResellerOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="resellers_get"
)
def resellers_get(request: HttpRequest, reseller_id: str) -> ResellerOut:
    return _out(earnings().reseller_get(principal=principal(request), reseller_id=reseller_id))


@router.get(
    "/{reseller_id}/activity",
    response={200: ActivityPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="resellers_activity_admin",
)
def resellers_activity_admin(request: HttpRequest, reseller_id: str, query: Query[PageQuery]) -> ActivityPage:
    page = earnings().activity_list(principal=principal(request), page=query.page_request(), reseller_id=reseller_id)
    return ActivityPage(items=[activity_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.post(
    "/{reseller_id}/approve",
    response={200: ResellerOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="resellers_approve",
)
@idempotent
def resellers_approve(request: HttpRequest, reseller_id: str) -> ResellerOut:
    return _out(earnings().reseller_approve(principal=principal(request), reseller_id=reseller_id))


@router.post(
    "/{reseller_id}/reject",
    response={200: ResellerOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="resellers_reject",
)
@idempotent
def resellers_reject(request: HttpRequest, reseller_id: str, payload: EarningsReasonIn) -> ResellerOut:
    rejected = earnings().reseller_reject(principal=principal(request), reseller_id=reseller_id, reason=payload.reason)
    return _out(rejected)
