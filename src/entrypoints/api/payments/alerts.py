"""Admin alerts: money that needs a person (``/api/v1/admin/alerts``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from application.payments.ports import AlertFilter
from application.payments.services import PaymentsServices
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.payments.schemas import AlertPage, AlertQuery, alert_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["alerts"])


def payments() -> PaymentsServices:
    return container().payments


@router.get("/alerts", response={200: AlertPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_alerts_list")
def admin_alerts_list(request: HttpRequest, filters: Query[AlertQuery]) -> AlertPage:
    """Money that needs a person: captures returned automatically, refunds that failed, provider mismatches."""
    page = payments().alerts_list(
        principal=principal(request),
        filters=AlertFilter(code=filters.code, payment_id=filters.payment_id),
        page=filters.page_request(),
    )
    return AlertPage(items=[alert_out(a) for a in page.items], next_cursor=page.next_cursor)
