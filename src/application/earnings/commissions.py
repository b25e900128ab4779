"""Commission use cases: earning on captures, clawing back on refunds, approval, listing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from application.earnings.common import (
    log,
    recompute_tier,
    require_reseller_or_admin,
    trailing_sales,
    visible_to,
)
from application.earnings.ports import AccountDirectory, CommissionFilter, EarningsConfig, EarningsUnitOfWork
from application.earnings.resellers import attribute_in
from application.shared.access import require_admin
from application.shared.errors import Conflict, NotFound
from application.shared.livemode import has_real_world_effects, resource_livemode
from application.shared.pagination import Page, PageRequest
from domain.earnings.commission import Commission, CommissionKind, CommissionStatus, RefundReversed
from domain.earnings.reseller import Reseller
from domain.earnings.tiers import commission_for
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError
from domain.shared.ids import new_id
from domain.shared.money import Money

# --- sales from payment events ------------------------------------------------------------------

RETURN_KIND = "return"  # an automatic return of unexpected money: never a refund of a sale


@dataclass(frozen=True, slots=True)
class SaleFact:
    """A payment as the payments context published it: captured and (cumulatively) refunded amounts.

    ``refund_id``/``refund_minor`` name the one refund the event is about (``payment.refunded``,
    ``refund.failed``); without ``refund_minor`` only the cumulative ``refunded_minor`` is known.
    """

    payment_id: str
    order_id: str
    account_id: str  # the attributed account: the order's seller, or the buyer of a distributor purchase
    currency: str
    captured_minor: int
    refunded_minor: int
    refund_id: str = ""
    livemode: bool = True  # false: a sandbox took the payment, no real money
    refund_minor: int | None = None  # the refund's own amount
    refund_kind: str = "refund"  # "refund" | "return"


def _sale(payment: dict[str, Any], order: dict[str, Any], refund: dict[str, Any]) -> SaleFact | None:
    # Merchants and vendors sell, so they earn their reseller a commission on their sales; a distributor
    # buys from the company, so its purchases (orders of kind "distributor") count for its reseller.
    account = order.get("buyer_id") if order.get("kind") == "distributor" else order.get("seller_id")
    if not account or not payment.get("id"):
        return None
    try:
        currency = str(payment["currency"])
        captured = Money.parse(payment.get("amount_captured") or "0", currency).minor
        refunded = Money.parse(payment.get("amount_refunded") or "0", currency).minor
        refund_minor = Money.parse(refund["amount"], currency).minor if refund.get("amount") else None
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
        refund_minor=refund_minor,
        refund_kind=str(refund.get("kind") or "refund"),
    )


def sale_from_event(data: dict[str, Any]) -> SaleFact | None:
    """Reads a ``payment.captured`` / ``payment.refunded`` event; None when it names no account."""
    return _sale(data.get("object") or {}, data.get("order") or {}, data.get("refund") or {})


@dataclass(frozen=True, slots=True)
class RefundFailure:
    sale: SaleFact
    reversed: bool  # the refund had been counted (payment.refunded published) and is now given back


def refund_failure_from_event(data: dict[str, Any]) -> RefundFailure | None:
    """Reads a ``refund.failed`` event (object = the refund, with ``reversed``); None when it names no account."""
    refund = data.get("object") or {}
    sale = _sale(data.get("payment") or {}, data.get("order") or {}, refund)
    if sale is None or not sale.refund_id:
        return None
    return RefundFailure(sale=sale, reversed=refund.get("reversed") is True)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    commission: Commission | None = None
    created: bool = False
    clawback: Commission | None = None
    skipped: str = ""  # why nothing was earned: not_attributed, reseller_not_approved, other_currency, ...
    restored_minor: int = 0  # a failed refund: given back in place
    voided: Commission | None = None  # a failed refund: its clawback, voided
    adjustment: Commission | None = None  # a failed refund: the positive adjustment that gives it back


def commission_sync_payment(
    *, uow: EarningsUnitOfWork, accounts: AccountDirectory, sale: SaleFact, config: EarningsConfig, clock: Clock
) -> SyncOutcome:
    """Brings the payment's commission up to date with what the event says. Idempotent.

    The first event for a payment (captured, or a refund that overtook it) creates the
    commission; a refund event then books that refund once under its id (or, for an event
    that names no refund amount, whatever of the cumulative refunds no booked refund explains).
    A replayed event, or one for a refund that has already failed, takes nothing.
    """
    if not has_real_world_effects(livemode=sale.livemode, live_deployment=config.live_deployment):
        return SyncOutcome(skipped="sandbox_payment")
    if sale.captured_minor <= 0:
        return SyncOutcome(skipped="nothing_captured")
    now = clock.now()
    with uow:
        found = _commission_of(uow, accounts, sale, config, now)
        if isinstance(found, SyncOutcome):
            return found
        reseller, commission, created = found
        refunded_before = commission.refunded_sale_minor
        clawback = None if sale.refund_kind == RETURN_KIND else _apply_refunds(uow, commission, sale, now=now)
        if created or commission.refunded_sale_minor != refunded_before:
            recompute_tier(uow, reseller, table=uow.tiers.table(), now=now, config=config)
            uow.resellers.save(reseller)
    return SyncOutcome(commission=commission, created=created, clawback=clawback)


def commission_refund_failed(
    *,
    uow: EarningsUnitOfWork,
    accounts: AccountDirectory,
    failure: RefundFailure,
    config: EarningsConfig,
    clock: Clock,
) -> SyncOutcome:
    """A refund the provider refused after accepting it gives back exactly what it took. Idempotent.

    Handled before the refund's ``payment.refunded`` (events may arrive in any order), the failure
    is remembered on the commission so the late event takes nothing. A refusal the provider gave at
    once (``reversed`` false) counted nothing and changes nothing; a return is not a refund.
    """
    sale = failure.sale
    if not has_real_world_effects(livemode=sale.livemode, live_deployment=config.live_deployment):
        return SyncOutcome(skipped="sandbox_payment")
    if sale.refund_kind == RETURN_KIND:
        return SyncOutcome(skipped="return")
    if not failure.reversed:
        return SyncOutcome(skipped="not_reversed")
    if sale.captured_minor <= 0:
        return SyncOutcome(skipped="nothing_captured")
    now = clock.now()
    with uow:
        found = _commission_of(uow, accounts, sale, config, now)
        if isinstance(found, SyncOutcome):
            return found
        reseller, commission, created = found
        refunded_before = commission.refunded_sale_minor
        reversal = commission.fail_refund(refund_id=sale.refund_id, amount_minor=sale.refund_minor or 0, now=now)
        outcome = SyncOutcome(commission=commission, created=created)
        if reversal is not None:
            outcome = _give_back(uow, commission, reversal, now=now, created=created)
        uow.commissions.save(commission)
        if created or commission.refunded_sale_minor != refunded_before:
            recompute_tier(uow, reseller, table=uow.tiers.table(), now=now, config=config)
            uow.resellers.save(reseller)
    return outcome


def _commission_of(
    uow: EarningsUnitOfWork, accounts: AccountDirectory, sale: SaleFact, config: EarningsConfig, now: datetime
) -> tuple[Reseller, Commission, bool] | SyncOutcome:
    """The payment's commission (locked), created on the first event that reaches it; or why there is none."""
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
    if commission is not None:
        return reseller, commission, False
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
    return reseller, commission, True


def _apply_refunds(
    uow: EarningsUnitOfWork, commission: Commission, sale: SaleFact, *, now: datetime
) -> Commission | None:
    if sale.refund_id and sale.refund_minor is not None:
        counted = commission.count_refund(refund_id=sale.refund_id, amount_minor=sale.refund_minor, now=now)
    elif sale.refunded_minor > commission.refunded_sale_minor:
        counted = commission.count_refunded_total(refunded_total_minor=sale.refunded_minor, key=sale.refund_id, now=now)
    else:
        counted = None
    if counted is None:
        return None
    clawback: Commission | None = None
    if counted.owed_minor > 0:
        owed = counted.owed_minor
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
            source_key=counted.refund_id,
            decided_at=now,
            created_at=now,
            updated_at=now,
        )
        if not uow.commissions.add(clawback):
            raise Conflict("This refund was already clawed back", code="clawback_exists")
        commission.link_clawback(counted.refund_id, clawback.id)
        log(
            uow,
            commission.reseller_id,
            "commission.clawback",
            "commission",
            clawback.id,
            now=now,
            commission_id=commission.id,
            refund_id=counted.refund_id,
            amount=_fmt(-owed, commission.currency),
        )
    elif counted.reduced_minor > 0:
        log(
            uow,
            commission.reseller_id,
            "commission.reduced",
            "commission",
            commission.id,
            now=now,
            refund_id=counted.refund_id,
            previous=_fmt(commission.amount_minor + counted.reduced_minor, commission.currency),
            amount=_fmt(commission.amount_minor, commission.currency),
        )
    uow.commissions.save(commission)
    return clawback


def _give_back(
    uow: EarningsUnitOfWork, commission: Commission, reversal: RefundReversed, *, now: datetime, created: bool
) -> SyncOutcome:
    """Undoes what a failed refund took: in place, by voiding its clawback, or by a positive adjustment."""
    currency = commission.currency
    if reversal.restored_minor > 0:
        log(
            uow,
            commission.reseller_id,
            "commission.restored",
            "commission",
            commission.id,
            now=now,
            refund_id=reversal.refund_id,
            previous=_fmt(commission.amount_minor - reversal.restored_minor, currency),
            amount=_fmt(commission.amount_minor, currency),
        )
        return SyncOutcome(commission=commission, created=created, restored_minor=reversal.restored_minor)
    adjustment_minor = reversal.adjustment_minor
    if reversal.clawback_id:
        clawback = uow.commissions.get_for_update(reversal.clawback_id)
        if clawback is not None and clawback.can_be_voided:
            clawback.void(reason=f"Refund {reversal.refund_id} failed", now=now)
            uow.commissions.save(clawback)
            commission.refunds[reversal.refund_id].restored_by = "void"
            log(
                uow,
                commission.reseller_id,
                "commission.clawback_voided",
                "commission",
                clawback.id,
                now=now,
                commission_id=commission.id,
                refund_id=reversal.refund_id,
                amount=_fmt(clawback.amount_minor, currency),
            )
            return SyncOutcome(commission=commission, created=created, voided=clawback)
        if clawback is not None and clawback.status is CommissionStatus.REJECTED:
            commission.refunds[reversal.refund_id].restored_by = "none"  # voided already: nothing is owed
            return SyncOutcome(commission=commission, created=created)
        # Invoiced or settled against a payout: issued invoices never change, so compensate.
        adjustment_minor = reversal.amount_minor
        commission.refunds[reversal.refund_id].restored_by = "adjustment"
    if adjustment_minor <= 0:
        return SyncOutcome(commission=commission, created=created)
    adjustment = Commission(
        id=str(new_id()),
        reseller_id=commission.reseller_id,
        kind=CommissionKind.ADJUSTMENT,
        status=CommissionStatus.APPROVED,
        currency=currency,
        payment_id=commission.payment_id,
        order_id=commission.order_id,
        account_id=commission.account_id,
        original_minor=adjustment_minor,
        amount_minor=adjustment_minor,
        parent_id=commission.id,
        source_key=reversal.refund_id,
        decided_at=now,
        created_at=now,
        updated_at=now,
    )
    if not uow.commissions.add(adjustment):
        raise Conflict("This failed refund was already given back", code="adjustment_exists")
    log(
        uow,
        commission.reseller_id,
        "commission.adjustment",
        "commission",
        adjustment.id,
        now=now,
        commission_id=commission.id,
        refund_id=reversal.refund_id,
        amount=_fmt(adjustment_minor, currency),
    )
    return SyncOutcome(commission=commission, created=created, adjustment=adjustment)


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
