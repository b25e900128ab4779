"""Who may call earnings' routes, and how a route reaches earnings' services."""

from __future__ import annotations

from application.earnings.services import EarningsServices
from domain.identity.user import Role
from entrypoints.api.auth import auth_for
from entrypoints.bootstrap import container

RESELLER = auth_for(Role.RESELLER)
RESELLER_OR_ADMIN = auth_for(Role.RESELLER, Role.ADMIN)


def earnings() -> EarningsServices:
    return container().earnings
