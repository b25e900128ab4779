"""The tier table (admin configuration): read it, or replace it and re-tier every reseller at once."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from application.earnings.tiers import TierInput
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.earnings.access import earnings
from entrypoints.api.earnings.schemas.tiers import TiersIn, TierTableOut, tiers_out
from entrypoints.api.schemas import PROBLEM_RESPONSES

router = Router(tags=["earnings-admin"])


@router.get(
    "/earnings/tiers", response={200: TierTableOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="earnings_tiers_get"
)
def earnings_tiers_get(request: HttpRequest) -> TierTableOut:
    services = earnings()
    return tiers_out(services.tiers_get(principal=principal(request)), currency=services.config.program_currency)


@router.put(
    "/earnings/tiers",
    response={200: TierTableOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="earnings_tiers_replace",
)
def earnings_tiers_replace(request: HttpRequest, payload: TiersIn) -> TierTableOut:
    tiers = [
        TierInput(name=t.name, min_sales=t.min_sales, commission_rate=t.commission_rate, bonus_rate=t.bonus_rate)
        for t in payload.tiers
    ]
    services = earnings()
    table = services.tiers_replace(principal=principal(request), tiers=tiers)
    return tiers_out(table, currency=services.config.program_currency)
