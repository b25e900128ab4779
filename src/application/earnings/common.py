"""Helpers every earnings use case shares: who may act, the ledger, the tier window, activity."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

from application.earnings.ports import EarningsConfig, EarningsUnitOfWork
from application.shared.access import require_role
from application.shared.errors import Forbidden, NotFound
from domain.earnings.activity import ActivityEntry
from domain.earnings.ledger import Ledger
from domain.earnings.reseller import Reseller
from domain.earnings.tiers import Tier, TierTable
from domain.identity.user import Principal, Role


def require_reseller(principal: Principal) -> None:
    require_role(principal, Role.RESELLER, message="Only resellers can do this")


def require_reseller_or_admin(principal: Principal) -> None:
    require_role(principal, Role.RESELLER, Role.ADMIN, message="Only resellers and admins can do this")


def own_reseller(uow: EarningsUnitOfWork, principal: Principal, *, for_update: bool = False) -> Reseller:
    reseller = uow.resellers.by_user(principal.user_id, for_update=for_update)
    if reseller is None:
        raise NotFound("You have not applied as a reseller yet", code="reseller_not_found")
    return reseller


def approved_reseller(reseller: Reseller) -> Reseller:
    if not reseller.is_approved:
        raise Forbidden(
            f"Your reseller application is {reseller.status.value}; this needs an approved reseller",
            code="reseller_not_approved",
        )
    return reseller


def ledger(uow: EarningsUnitOfWork, reseller_id: str, config: EarningsConfig) -> Ledger:
    commissions = uow.commissions.totals(reseller_id, config.program_currency)
    payouts = uow.payouts.totals(reseller_id)
    return Ledger(
        earned_minor=commissions.earned_minor,
        clawback_minor=commissions.clawback_minor,
        paid_out_minor=payouts.completed_minor,
        reserved_minor=payouts.reserved_minor,
        pending_minor=commissions.pending_minor,
    )


def months_before(moment: datetime, months: int) -> datetime:
    """The same instant ``months`` calendar months earlier (day clamped to the month's end)."""
    moment = moment.astimezone(UTC)
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def trailing_sales(uow: EarningsUnitOfWork, reseller_id: str, *, now: datetime, config: EarningsConfig) -> int:
    since = months_before(now, config.tier_window_months)
    return uow.commissions.sales_since(reseller_id, since=since, currency=config.program_currency)


def recompute_tier(
    uow: EarningsUnitOfWork, reseller: Reseller, *, table: TierTable, now: datetime, config: EarningsConfig
) -> Tier:
    """Stores the reseller's tier from its trailing sales; logs a change. The caller saves the reseller."""
    sales = trailing_sales(uow, reseller.id, now=now, config=config)
    tier = table.tier_for(sales)
    previous = reseller.tier
    if reseller.set_tier(tier.name, sales, now=now):
        log(uow, reseller.id, "tier.changed", "reseller", reseller.id, now=now, previous=previous, tier=tier.name)
    return tier


def log(
    uow: EarningsUnitOfWork,
    reseller_id: str,
    action: str,
    subject_type: str,
    subject_id: str,
    *,
    now: datetime,
    actor_id: str = "",
    **data: Any,
) -> None:
    uow.activity.add(
        ActivityEntry.record(
            reseller_id=reseller_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            now=now,
            actor_id=actor_id,
            **data,
        )
    )


def visible_to(uow: EarningsUnitOfWork, principal: Principal, reseller_id: str) -> bool:
    """Admins see every reseller's records; a reseller sees its own (others' are 404, not 403)."""
    if principal.role is Role.ADMIN:
        return True
    if principal.role is not Role.RESELLER:
        return False
    reseller = uow.resellers.by_user(principal.user_id)
    return reseller is not None and reseller.id == reseller_id
