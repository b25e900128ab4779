"""Payouts: request against the balance, admin decision, processing through the payout gateway, settlement."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from application.earnings.common import (
    approved_reseller,
    ledger,
    log,
    own_reseller,
    require_reseller,
    require_reseller_or_admin,
    visible_to,
)
from application.earnings.ports import (
    EarningsConfig,
    EarningsUnitOfWork,
    PayoutFilter,
    PayoutGateway,
    PayoutInstruction,
)
from application.shared.access import require_admin
from application.shared.errors import InvalidInput, NotFound, Unavailable
from application.shared.outbox import RetryLater
from application.shared.pagination import Page, PageRequest
from domain.earnings.ledger import settled_by_payouts
from domain.earnings.payout import Payout, PayoutMethod, PayoutStatus, validate_destination
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.errors import InvalidValue
from domain.shared.ids import new_id
from domain.shared.money import Money

PROCESS_TOPIC = "earnings.payout.process"
PENDING_RETRY = timedelta(minutes=5)
NO_GATEWAY_RETRY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RequestPayout:
    amount: str
    method: str
    destination: str


def payout_request(
    *, uow: EarningsUnitOfWork, principal: Principal, command: RequestPayout, config: EarningsConfig, clock: Clock
) -> Payout:
    require_reseller(principal)
    try:
        method = PayoutMethod(command.method)
    except ValueError:
        raise InvalidValue("method must be bank_transfer or upi", code="invalid_method", field="method") from None
    destination = validate_destination(method, command.destination)
    amount = Money.parse(command.amount, config.program_currency)
    minimum = Money(config.payout_minimum_minor, config.program_currency)
    if not amount.is_positive() or amount < minimum:
        raise InvalidInput(
            f"A payout is at least {minimum}",
            code="insufficient_balance",
            field="amount",
            extra={"minimum": minimum.to_decimal_string(), "currency": minimum.currency},
        )
    now = clock.now()
    with uow:
        # The reseller's row lock serialises concurrent requests: each sees the others' reservations.
        reseller = approved_reseller(own_reseller(uow, principal, for_update=True))
        available = Money(ledger(uow, reseller.id, config).available_minor, config.program_currency)
        if available < amount:
            raise InvalidInput(
                f"The available balance is {available}",
                code="insufficient_balance",
                field="amount",
                extra={"available": available.to_decimal_string(), "currency": available.currency},
            )
        payout = Payout(
            id=str(new_id()),
            reseller_id=reseller.id,
            amount=amount,
            method=method,
            destination=destination,
            livemode=config.payouts_livemode,
            created_at=now,
            updated_at=now,
        )
        uow.payouts.add(payout)
        log(
            uow,
            reseller.id,
            "payout.requested",
            "payout",
            payout.id,
            now=now,
            actor_id=principal.user_id,
            amount=amount.to_decimal_string(),
        )
    return payout


def payout_approve(
    *, uow: EarningsUnitOfWork, principal: Principal, payout_id: str, clock: Clock, gateway_available: bool = True
) -> Payout:
    """Approval sends the payout; with no payout gateway wired it is refused and the payout stays requested."""
    require_admin(principal)
    if not gateway_available:
        raise Unavailable(
            "No payout gateway is configured in this deployment; the payout stays requested",
            code="payout_gateway_unavailable",
        )
    now = clock.now()
    with uow:
        payout = _locked(uow, payout_id)
        payout.approve(by=principal.user_id, now=now)
        uow.payouts.save(payout)
        log(uow, payout.reseller_id, "payout.approved", "payout", payout.id, now=now, actor_id=principal.user_id)
        uow.outbox.add(PROCESS_TOPIC, {"payout_id": payout.id}, dedupe_key=f"{PROCESS_TOPIC}:{payout.id}")
    return payout


def payout_reject(
    *, uow: EarningsUnitOfWork, principal: Principal, payout_id: str, reason: str, clock: Clock
) -> Payout:
    require_admin(principal)
    now = clock.now()
    with uow:
        payout = _locked(uow, payout_id)
        payout.reject(reason=reason, by=principal.user_id, now=now)
        uow.payouts.save(payout)
        log(
            uow,
            payout.reseller_id,
            "payout.rejected",
            "payout",
            payout.id,
            now=now,
            actor_id=principal.user_id,
            reason=payout.rejection_reason,
        )
    return payout


def _locked(uow: EarningsUnitOfWork, payout_id: str) -> Payout:
    payout = uow.payouts.get_for_update(payout_id)
    if payout is None:
        raise NotFound("No such payout")
    return payout


def payout_process(
    *,
    uow: EarningsUnitOfWork,
    gateway: PayoutGateway | None,
    payout_id: str,
    clock: Clock,
    gateway_livemode: bool = True,
) -> Payout | None:
    """Outbox handler: approved -> processing -> completed | failed. Safe to run again after a crash.

    The gateway call happens between two short transactions, never inside one; the payout id is
    its idempotency key, so a re-run after a crash does not pay twice. Without a gateway (none is
    wired in this deployment) the payout waits as it is and the message is retried later.
    """
    if gateway is None:
        raise RetryLater("No payout gateway is configured in this deployment", delay=NO_GATEWAY_RETRY)
    with uow:
        payout = uow.payouts.get_for_update(payout_id)
        if payout is None or payout.status not in {PayoutStatus.APPROVED, PayoutStatus.PROCESSING}:
            return payout
        if payout.status is PayoutStatus.APPROVED:
            now = clock.now()
            payout.start(now=now)
            payout.livemode = gateway_livemode
            uow.payouts.save(payout)
            log(uow, payout.reseller_id, "payout.processing", "payout", payout.id, now=now)
    result = gateway.send(
        PayoutInstruction(
            payout_id=payout.id,
            amount_minor=payout.amount.minor,
            currency=payout.amount.currency,
            method=payout.method,
            destination=payout.destination,
        )
    )
    if result.status not in {"completed", "failed"}:
        raise RetryLater("The payout gateway has not settled the transfer yet", delay=PENDING_RETRY)
    with uow:
        reseller = uow.resellers.get_for_update(payout.reseller_id)
        payout = _locked(uow, payout_id)
        if payout.status is not PayoutStatus.PROCESSING:
            return payout
        now = clock.now()
        if result.status == "completed":
            payout.complete(reference=result.reference, now=now)
            uow.payouts.save(payout)
            log(uow, payout.reseller_id, "payout.completed", "payout", payout.id, now=now, reference=result.reference)
            if reseller is not None:
                settle(uow, reseller.id, currency=payout.amount.currency, clock=clock)
        else:
            payout.fail(reason=result.failure_reason, now=now)
            uow.payouts.save(payout)
            log(uow, payout.reseller_id, "payout.failed", "payout", payout.id, now=now, reason=payout.failure_reason)
    return payout


def settle(uow: EarningsUnitOfWork, reseller_id: str, *, currency: str, clock: Clock) -> int:
    """Inside a unit of work: marks what completed payouts cover as paid, then fully paid invoices."""
    now = clock.now()
    open_items = uow.commissions.open_for_settlement(reseller_id)
    totals = uow.commissions.totals(reseller_id, currency)
    covered = uow.payouts.totals(reseller_id).completed_minor + totals.clawback_minor
    paid = settled_by_payouts(open_items, already_paid_minor=totals.paid_minor, covered_minor=covered)
    for commission in paid:
        commission.mark_paid(now=now)
        uow.commissions.save(commission)
        log(uow, reseller_id, "commission.paid", "commission", commission.id, now=now)
    for invoice_id in uow.invoices.open_ids(reseller_id):
        if uow.commissions.unpaid_on_invoice(invoice_id) == 0:
            invoice = uow.invoices.get(invoice_id)
            if invoice is not None:
                invoice.mark_paid(now=now)
                uow.invoices.save_status(invoice)
                log(uow, reseller_id, "invoice.paid", "invoice", invoice.id, now=now, number=invoice.number)
    return len(paid)


def payouts_list(
    *, uow: EarningsUnitOfWork, principal: Principal, filters: PayoutFilter, page: PageRequest
) -> Page[Payout]:
    require_reseller_or_admin(principal)
    if principal.role is Role.RESELLER:
        reseller = uow.resellers.by_user(principal.user_id)
        if reseller is None:
            return Page(items=[], next_cursor=None)
        filters = replace(filters, reseller_id=reseller.id)
    return uow.payouts.list(filters, page)


def payout_get(*, uow: EarningsUnitOfWork, principal: Principal, payout_id: str) -> Payout:
    require_reseller_or_admin(principal)
    payout = uow.payouts.get(payout_id)
    if payout is None or not visible_to(uow, principal, payout.reseller_id):
        raise NotFound("No such payout")
    return payout
