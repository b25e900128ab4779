"""Admin alerts: money that needs a person (returned captures, failed refunds, provider mismatches)."""

from __future__ import annotations

from application.payments.ports import AlertFilter, AlertRepository
from application.shared.access import require_admin
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.alert import Alert


def alerts_list(
    *, alerts: AlertRepository, principal: Principal, filters: AlertFilter, page: PageRequest
) -> Page[Alert]:
    require_admin(principal, message="Only admins see alerts")
    return alerts.list(filters, page)
