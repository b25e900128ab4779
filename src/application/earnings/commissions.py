"""Commission use cases: earning on captures, clawing back on refunds, approval, listing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from application.earnings.common import (
    log,
    recompute_tier,
    require_admin,
    require_reseller_or_admin,
    trailing_sales,
    visible_to,
)
from application.earnings.ports import AccountDirectory, CommissionFilter, EarningsConfig, EarningsUnitOfWork
from application.earnings.resellers import attribute_in
from application.shared.errors import Conflict, NotFound
from application.shared.livemode import has_real_world_effects, resource_livemode
from application.shared.pagination import Page, PageRequest
from domain.earnings.commission import Commission, CommissionKind, CommissionStatus
from domain.earnings.tiers import commission_for
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError
from domain.shared.ids import new_id
from domain.shared.money import Money

# --- sales from payment events ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaleFact:
    """A payment as the payments context published it: captured and (cumulatively) refunded amounts."""

    payment_id: str
    order_id: str
    account_id: str  # the attributed account: the order's seller, or the buyer of a distributor purchase
    currency: str
    captured_minor: int
    refunded_minor: int
    refund_id: str = ""
    livemode: bool = True  # false: a sandbox took the payment, no real money


def sale_from_event(data: dict[str, Any]) -> SaleFact | None:
    """Reads a ``payment.captured`` / ``payment.refunded`` event; None when it names no account."""
    payment = data.get("object") or {}
    order = data.get("order") or {}
    refund = data.get("refund") or {}
    # Merchants and vendors sell, so they earn their reseller a commission on their sales; a distributor
    # buys from the company, so its purchases (orders of kind "distributor") count for its reseller.
    account = order.get("buyer_id") if order.get("kind") == "distributor" else order.get("seller_id")
    if not account or not payment.get("id"):
        return None
    try:
        currency = str(payment["currency"])
        captured = Money.parse(payment.get("amount_captured") or "0", currency).minor
        refunded = Money.parse(payment.get("amount_refunded") or "0", currency).minor
    except (KeyError, DomainError):
        return None
    return SaleFact(
        payment_id=str(payment["id"]),
        order_id=str(order.get("id") or payment.get("order_id") or ""),
        account_id=str(account),
        currency=currency,
        captured_minor=captured,
        refunded_minor=refunded,
        refund_id=str(refund.get("id") or ""),
        livemode=resource_livemode(payment),
    )


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    commission: Commission | None = None
    created: bool = False
    clawback: Commission | None = None
    skipped: str = ""  # why nothing was earned: not_attributed, reseller_not_approved, other_currency, ...


def commission_sync_payment(
    *, uow: EarningsUnitOfWork, accounts: AccountDirectory, sale: SaleFact, config: EarningsConfig, clock: Clock
) -> SyncOutcome:
    """Brings the payment's commission up to date with what the event says. Idempotent.

    The first event for a payment (captured, or a refund that overtook it) creates the
    commission; every event then applies the payment's cumulative refunds, which a replayed or
    older event cannot repeat. One commission per payment is also a database constraint.
    """
    if not has_real_world_effects(livemode=sale.livemode, live_deployment=config.live_deployment):
        return SyncOutcome(skipped="sandbox_payment")
    if sale.captured_minor <= 0:
        return SyncOutcome(skipped="nothing_captured")
    now = clock.now()
    with uow:
        attribution = uow.attributions.for_account(sale.account_id)
        if attribution is None:
            # The registration event may not have been handled yet (or ever): read the code lazily.
            account = accounts.referred_account(sale.account_id)
            if account is not None and account.referral_code:
                attribution = attribute_in(
                    uow, account_id=account.user_id, role=account.role, code=account.referral_code, now=now
                )
        if attribution is None:
            return SyncOutcome(skipped="not_attributed")
        reseller = uow.resellers.get_for_update(attribution.reseller_id)
        if reseller is None or not reseller.is_approved:
            return SyncOutcome(skipped="reseller_not_approved")
        commission = uow.commissions.for_payment(sale.payment_id)
        created = False
        if commission is None:
            if sale.currency != config.program_currency:
                return SyncOutcome(skipped="other_currency")
            table = uow.tiers.table()
            tier = table.tier_for(trailing_sales(uow, reseller.id, now=now, config=config))
            split = commission_for(sale.captured_minor, tier)
            commission = Commission(
                id=str(new_id()),
                reseller_id=reseller.id,
                kind=CommissionKind.COMMISSION,
                status=CommissionStatus.PENDING,
                currency=sale.currency,
                payment_id=sale.payment_id,
                order_id=sale.order_id,
                account_id=sale.account_id,
                sale_minor=sale.captured_minor,
                tier=tier.name,
                rate_bps=tier.rate_bps,
                bonus_bps=tier.bonus_bps,
                base_minor=split.base_minor,
                bonus_minor=split.bonus_minor,
                original_minor=split.total_minor,
                amount_minor=split.total_minor,
                hold_until=now + timedelta(days=config.hold_days),
                created_at=now,
                updated_at=now,
            )
            if not uow.commissions.add(commission):
                return SyncOutcome(commission=uow.commissions.for_payment(sale.payment_id), skipped="duplicate")
            created = True
            log(
                uow,
                reseller.id,
                "commission.created",
                "commission",
                commission.id,
                now=now,
                payment_id=sale.payment_id,
                amount=_fmt(commission.amount_minor, commission.currency),
                tier=tier.name,
            )
        refunded_before = commission.refunded_sale_minor
        clawback = _apply_refunds(uow, commission, sale, now=now)
        if created or commission.refunded_sale_minor != refunded_before:
            recompute_tier(uow, reseller, table=uow.tiers.table(), now=now, config=config)
            uow.resellers.save(reseller)
    return SyncOutcome(commission=commission, created=created, clawback=clawback)


def _apply_refunds(
    uow: EarningsUnitOfWork, commission: Commission, sale: SaleFact, *, now: datetime
) -> Commission | None:
    if sale.refunded_minor <= commission.refunded_sale_minor:
        return None
    before = commission.amount_minor
    owed = commission.apply_refund(refunded_total_minor=sale.refunded_minor, now=now)
    uow.commissions.save(commission)
    if owed > 0:
        clawback = Commission(
            id=str(new_id()),
            reseller_id=commission.reseller_id,
            kind=CommissionKind.CLAWBACK,
            status=CommissionStatus.APPROVED,
            currency=commission.currency,
            payment_id=commission.payment_id,
            order_id=commission.order_id,
            account_id=commission.account_id,
            original_minor=-owed,
            amount_minor=-owed,
            parent_id=commission.id,
            source_key=sale.refund_id or f"refunded:{sale.refunded_minor}",
            decided_at=now,
            created_at=now,
            updated_at=now,
        )
        if not uow.commissions.add(clawback):
            raise Conflict("This refund was already clawed back", code="clawback_exists")
        log(
            uow,
            commission.reseller_id,
            "commission.clawback",
            "commission",
            clawback.id,
            now=now,
            commission_id=commission.id,
            amount=_fmt(-owed, commission.currency),
        )
        return clawback
    if commission.amount_minor != before:
        log(
            uow,
            commission.reseller_id,
            "commission.reduced",
            "commission",
            commission.id,
            now=now,
            previous=_fmt(before, commission.currency),
            amount=_fmt(commission.amount_minor, commission.currency),
        )
    return None


# --- approval ---------------------------------------------------------------------------------


def commission_approve(
    *, uow: EarningsUnitOfWork, principal: Principal, commission_id: str, clock: Clock
) -> Commission:
    require_admin(principal)
    now = clock.now()
    with uow:
        commission = _locked(uow, commission_id)
        commission.approve(by=principal.user_id, now=now)
        uow.commissions.save(commission)
        log(
            uow,
            commission.reseller_id,
            "commission.approved",
            "commission",
            commission.id,
            now=now,
            actor_id=principal.user_id,
        )
    return commission


def commission_reject(
    *, uow: EarningsUnitOfWork, principal: Principal, commission_id: str, reason: str, clock: Clock
) -> Commission:
    require_admin(principal)
    now = clock.now()
    with uow:
        commission = _locked(uow, commission_id)
        commission.reject(reason=reason, by=principal.user_id, now=now)
        uow.commissions.save(commission)
        log(
            uow,
            commission.reseller_id,
            "commission.rejected",
            "commission",
            commission.id,
            now=now,
            actor_id=principal.user_id,
            reason=commission.reason,
        )
    return commission


def _locked(uow: EarningsUnitOfWork, commission_id: str) -> Commission:
    commission = uow.commissions.get_for_update(commission_id)
    if commission is None:
        raise NotFound("No such commission")
    return commission


def commissions_auto_approve(*, uow: EarningsUnitOfWork, clock: Clock, limit: int = 500) -> int:
    """Periodic: pending commissions whose holding period is over become approved."""
    approved = 0
    for commission_id in uow.commissions.due_for_approval(now=clock.now(), limit=limit):
        now = clock.now()
        with uow:
            commission = uow.commissions.get_for_update(commission_id)
            if commission is None or commission.status is not CommissionStatus.PENDING:
                continue
            if commission.hold_until is not None and commission.hold_until > now:
                continue
            commission.approve(by="", now=now)
            uow.commissions.save(commission)
            log(uow, commission.reseller_id, "commission.approved", "commission", commission.id, now=now, auto=True)
            approved += 1
    return approved


# --- reading ----------------------------------------------------------------------------------


def commissions_list(
    *, uow: EarningsUnitOfWork, principal: Principal, filters: CommissionFilter, page: PageRequest
) -> Page[Commission]:
    require_reseller_or_admin(principal)
    if principal.role is Role.RESELLER:
        reseller = uow.resellers.by_user(principal.user_id)
        if reseller is None:
            return Page(items=[], next_cursor=None)
        filters = replace(filters, reseller_id=reseller.id)
    return uow.commissions.list(filters, page)


def commission_get(*, uow: EarningsUnitOfWork, principal: Principal, commission_id: str) -> Commission:
    require_reseller_or_admin(principal)
    commission = uow.commissions.get(commission_id)
    if commission is None or not visible_to(uow, principal, commission.reseller_id):
        raise NotFound("No such commission")
    return commission


def _fmt(minor: int, currency: str) -> str:
    return Money(minor, currency).to_decimal_string()
