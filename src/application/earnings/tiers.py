"""The tier table (configuration an admin edits) and the nightly tier recomputation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.earnings.common import recompute_tier
from application.earnings.ports import EarningsConfig, EarningsUnitOfWork
from application.shared.access import require_admin
from domain.earnings.tiers import Tier, TierTable, parse_percent
from domain.identity.user import Principal
from domain.shared.clock import Clock
from domain.shared.errors import InvalidValue
from domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class TierInput:
    name: str
    min_sales: str  # major units of the program currency, "5000.00"
    commission_rate: str  # percent of the sale, "15"
    bonus_rate: str  # percent of the commission, "5"


def tiers_get(*, uow: EarningsUnitOfWork, principal: Principal) -> TierTable:
    require_admin(principal)
    return uow.tiers.table()


def tiers_replace(
    *,
    uow: EarningsUnitOfWork,
    principal: Principal,
    tiers: Sequence[TierInput],
    config: EarningsConfig,
    clock: Clock,
) -> TierTable:
    """The new table applies at once: every approved reseller is re-tiered against it."""
    require_admin(principal)
    table = TierTable.of(
        Tier(
            name=t.name.strip().lower(),
            min_sales_minor=_threshold(t.min_sales, config.program_currency),
            rate_bps=parse_percent(t.commission_rate, field="commission_rate"),
            bonus_bps=parse_percent(t.bonus_rate, field="bonus_rate"),
        )
        for t in tiers
    )
    with uow:
        uow.tiers.replace(table)
    tiers_recompute(uow=uow, config=config, clock=clock)
    return table


def _threshold(raw: str, currency: str) -> int:
    minor = Money.parse(raw, currency).minor
    if minor < 0:
        raise InvalidValue("Thresholds cannot be negative", code="invalid_tier", field="min_sales")
    return minor


def tiers_recompute(*, uow: EarningsUnitOfWork, config: EarningsConfig, clock: Clock) -> int:
    """Nightly: trailing windows move even without sales, so every approved reseller is re-tiered."""
    changed = 0
    table = uow.tiers.table()
    for reseller_id in uow.resellers.approved_ids():
        with uow:
            reseller = uow.resellers.get_for_update(reseller_id)
            if reseller is None or not reseller.is_approved:
                continue
            before = reseller.tier
            recompute_tier(uow, reseller, table=table, now=clock.now(), config=config)
            uow.resellers.save(reseller)
            changed += reseller.tier != before
    return changed
