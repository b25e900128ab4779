"""Sales statistics: a seller's own (``/api/v1/merchants/me/stats``) and the admin's (``/api/v1/admin/stats``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from application.payments.services import PaymentsServices
from domain.identity.user import Role
from entrypoints.api.auth import ADMIN, auth_for, principal
from entrypoints.api.payments.schemas import AdminStatsOut, AdminStatsQueryIn, StatsOut, StatsQueryIn, stats_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

merchant_router = Router(tags=["stats"])
admin_router = Router(tags=["stats"])


def payments() -> PaymentsServices:
    return container().payments


@merchant_router.get(
    "/stats",
    response={200: StatsOut, **PROBLEM_RESPONSES},
    auth=auth_for(Role.MERCHANT, Role.VENDOR),
    operation_id="merchant_stats",
)
def merchant_stats(request: HttpRequest, query: Query[StatsQueryIn]) -> StatsOut:
    return StatsOut(**stats_out(payments().merchant_stats(principal=principal(request), since=query.since)))


@admin_router.get("/stats", response={200: AdminStatsOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_stats")
def admin_stats(request: HttpRequest, query: Query[AdminStatsQueryIn]) -> AdminStatsOut:
    summary, platform = payments().admin_stats(
        principal=principal(request), merchant_id=query.merchant_id, since=query.since
    )
    return AdminStatsOut(
        **stats_out(summary),
        merchant_id=query.merchant_id,
        merchants=platform.merchants if platform else None,
        admins=platform.admins if platform else None,
        users_by_role=platform.users_by_role if platform else None,
    )
