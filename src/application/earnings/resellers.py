"""Reseller use cases: apply, profile, admin decisions, referral codes and attribution, dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from application.earnings.common import (
    ledger,
    log,
    own_reseller,
    require_reseller,
    require_reseller_or_admin,
    trailing_sales,
)
from application.earnings.ports import (
    AccountDirectory,
    EarningsConfig,
    EarningsUnitOfWork,
    ResellerFilter,
    ResellerRepository,
    StatusCount,
)
from application.shared.access import require_admin
from application.shared.errors import Conflict, NotFound
from application.shared.pagination import Page, PageRequest
from domain.earnings.activity import ActivityEntry
from domain.earnings.invoice import Period
from domain.earnings.ledger import Ledger
from domain.earnings.reseller import (
    Attribution,
    Reseller,
    ResellerDetails,
    generate_referral_code,
    is_well_formed_code,
    normalize_referral_code,
)
from domain.earnings.tiers import Tier
from domain.identity.user import REFERRABLE_ROLES, Principal, Role
from domain.shared.clock import Clock
from domain.shared.ids import new_id

CODE_ATTEMPTS = 10


def reseller_apply(
    *,
    uow: EarningsUnitOfWork,
    principal: Principal,
    details: ResellerDetails,
    clock: Clock,
    new_code: Callable[[], str] = generate_referral_code,
) -> Reseller:
    require_reseller(principal)
    now = clock.now()
    with uow:
        existing = uow.resellers.by_user(principal.user_id, for_update=True)
        if existing is not None:
            existing.reapply(details, now=now)  # only a rejected applicant may; else 409 already_applied
            uow.resellers.save(existing)
            log(uow, existing.id, "reseller.applied", "reseller", existing.id, now=now, actor_id=principal.user_id)
            return existing
        for _ in range(CODE_ATTEMPTS):
            reseller = Reseller(
                id=str(new_id()),
                user_id=principal.user_id,
                referral_code=new_code(),
                details=details,
                created_at=now,
                updated_at=now,
            )
            if uow.resellers.add(reseller):
                log(uow, reseller.id, "reseller.applied", "reseller", reseller.id, now=now, actor_id=principal.user_id)
                return reseller
            if uow.resellers.by_user(principal.user_id) is not None:
                raise Conflict("You have already applied", code="already_applied")  # a concurrent application won
    raise Conflict("Could not allocate a referral code; try again", code="referral_code_exhausted")


def reseller_me(*, resellers: ResellerRepository, principal: Principal) -> Reseller:
    require_reseller(principal)
    reseller = resellers.by_user(principal.user_id)
    if reseller is None:
        raise NotFound("You have not applied as a reseller yet", code="reseller_not_found")
    return reseller


def reseller_update(
    *, uow: EarningsUnitOfWork, principal: Principal, changes: dict[str, str], clock: Clock
) -> Reseller:
    require_reseller(principal)
    allowed = {k: v for k, v in changes.items() if k in {"business_name", "phone", "website", "pitch"}}
    with uow:
        reseller = own_reseller(uow, principal, for_update=True)
        reseller.details = replace(reseller.details, **allowed)
        reseller.updated_at = clock.now()
        uow.resellers.save(reseller)
    return reseller


def reseller_get(*, resellers: ResellerRepository, principal: Principal, reseller_id: str) -> Reseller:
    require_admin(principal)
    reseller = resellers.get(reseller_id)
    if reseller is None:
        raise NotFound("No such reseller")
    return reseller


def resellers_list(
    *, resellers: ResellerRepository, principal: Principal, filters: ResellerFilter, page: PageRequest
) -> Page[Reseller]:
    require_admin(principal)
    return resellers.list(filters, page)


def reseller_approve(*, uow: EarningsUnitOfWork, principal: Principal, reseller_id: str, clock: Clock) -> Reseller:
    require_admin(principal)
    now = clock.now()
    with uow:
        reseller = uow.resellers.get_for_update(reseller_id)
        if reseller is None:
            raise NotFound("No such reseller")
        reseller.approve(by=principal.user_id, now=now)
        if not reseller.tier:
            reseller.set_tier(uow.tiers.table().tiers[0].name, 0, now=now)
        uow.resellers.save(reseller)
        log(uow, reseller.id, "reseller.approved", "reseller", reseller.id, now=now, actor_id=principal.user_id)
    return reseller


def reseller_reject(
    *, uow: EarningsUnitOfWork, principal: Principal, reseller_id: str, reason: str, clock: Clock
) -> Reseller:
    require_admin(principal)
    now = clock.now()
    with uow:
        reseller = uow.resellers.get_for_update(reseller_id)
        if reseller is None:
            raise NotFound("No such reseller")
        reseller.reject(reason=reason, by=principal.user_id, now=now)
        uow.resellers.save(reseller)
        log(
            uow,
            reseller.id,
            "reseller.rejected",
            "reseller",
            reseller.id,
            now=now,
            actor_id=principal.user_id,
            reason=reseller.rejection_reason,
        )
    return reseller


# --- referral codes and attribution -----------------------------------------------------------


def referral_code_known(*, resellers: ResellerRepository, code: str) -> bool:
    """Identity asks this at sign-up: only approved resellers' codes are accepted."""
    normalized = normalize_referral_code(code)
    if not is_well_formed_code(normalized):
        return False
    reseller = resellers.by_code(normalized)
    return reseller is not None and reseller.is_approved


def attribute_in(
    uow: EarningsUnitOfWork, *, account_id: str, role: str, code: str, now: datetime
) -> Attribution | None:
    """Inside a unit of work: records that ``account_id`` came through ``code`` (first attribution wins)."""
    existing = uow.attributions.for_account(account_id)
    if existing is not None:
        return existing
    code = normalize_referral_code(code)
    if not code or role not in {r.value for r in REFERRABLE_ROLES}:
        return None
    reseller = uow.resellers.by_code(code)
    if reseller is None or not reseller.is_approved:
        return None
    attribution = Attribution(
        id=str(new_id()), reseller_id=reseller.id, account_id=account_id, role=role, referral_code=code, created_at=now
    )
    if not uow.attributions.add(attribution):
        return uow.attributions.for_account(account_id)
    log(uow, reseller.id, "referral.attributed", "referral", attribution.id, now=now, account_id=account_id, role=role)
    return attribution


def referral_attribute(
    *, uow: EarningsUnitOfWork, accounts: AccountDirectory, account_id: str, clock: Clock
) -> Attribution | None:
    """On ``identity.user.registered``: reads the code the account signed up with. Idempotent."""
    account = accounts.referred_account(account_id)
    if account is None or not account.referral_code:
        return None
    with uow:
        return attribute_in(
            uow, account_id=account.user_id, role=account.role, code=account.referral_code, now=clock.now()
        )


def referrals_list(*, uow: EarningsUnitOfWork, principal: Principal, page: PageRequest) -> Page[Attribution]:
    require_reseller(principal)
    reseller = own_reseller(uow, principal)
    return uow.attributions.list(reseller.id, page)


def activity_list(
    *, uow: EarningsUnitOfWork, principal: Principal, reseller_id: str | None, page: PageRequest
) -> Page[ActivityEntry]:
    require_reseller_or_admin(principal)
    if principal.role is Role.ADMIN:
        if not reseller_id or uow.resellers.get(reseller_id) is None:
            raise NotFound("No such reseller")
        return uow.activity.list(reseller_id, page)
    return uow.activity.list(own_reseller(uow, principal).id, page)


# --- dashboard --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResellerStats:
    reseller: Reseller
    currency: str
    tier: Tier
    next_tier: Tier | None
    trailing_sales_minor: int
    sales_to_next_tier_minor: int | None
    commissions_by_status: dict[str, StatusCount]
    earnings_by_month: list[tuple[str, int]]
    ledger: Ledger
    referrals: int
    leads_by_status: dict[str, int]


def reseller_stats(
    *, uow: EarningsUnitOfWork, principal: Principal, config: EarningsConfig, clock: Clock, months: int = 12
) -> ResellerStats:
    require_reseller(principal)
    now = clock.now()
    reseller = own_reseller(uow, principal)
    table = uow.tiers.table()
    sales = trailing_sales(uow, reseller.id, now=now, config=config)
    tier = table.tier_for(sales)
    following = table.next_after(tier)
    first = Period.of(now)
    month_keys = []
    year, month = first.year, first.month
    for _ in range(months):
        month_keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    month_keys.reverse()
    since = Period.parse(month_keys[0]).start
    by_month = uow.commissions.earned_by_month(reseller.id, since=since)
    return ResellerStats(
        reseller=reseller,
        currency=config.program_currency,
        tier=tier,
        next_tier=following,
        trailing_sales_minor=sales,
        sales_to_next_tier_minor=(following.min_sales_minor - sales) if following else None,
        commissions_by_status=uow.commissions.by_status(reseller.id),
        earnings_by_month=[(key, by_month.get(key, 0)) for key in month_keys],
        ledger=ledger(uow, reseller.id, config),
        referrals=uow.attributions.count(reseller.id),
        leads_by_status=uow.leads.count_by_status(reseller.id),
    )
