"""Earnings wiring: repositories, the payout gateway, the invoice renderer, event subscribers.

How a sale becomes a commission, robustly:
* ``payment.captured`` / ``payment.refunded`` / ``refund.failed`` reach the ``earnings`` subscriber
  through the event log and the outbox (one message per event, retried until done); a failed
  refund gives back what it took (see ``application.earnings.commissions``);
* the attribution (account -> reseller) is recorded when ``identity.user.registered`` is
  handled, and, should that message not have been handled yet (or another context took the
  topic over), lazily from the account's ``referred_by_code`` when its first sale arrives.
  So the commission never depends on which context owns the registration topic.

Settings are read per call (EARNINGS_PROGRAM_CURRENCY, COMMISSION_HOLD_DAYS, PAYOUT_MINIMUM),
so tests can change them with the ``settings`` fixture.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from adapters.django_orm.earnings.repositories import (
    DjangoActivityLog,
    DjangoAttributionRepository,
    DjangoCommissionRepository,
    DjangoInvoiceRepository,
    DjangoLeadRepository,
    DjangoPayoutRepository,
    DjangoResellerRepository,
    DjangoTierRepository,
)
from adapters.gateways.invoice_pdf import FpdfInvoiceRenderer
from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.gateways.payouts_sandbox import SandboxPayoutGateway
from application.earnings import commissions as commission_cases
from application.earnings import invoices as invoice_cases
from application.earnings import leads as lead_cases
from application.earnings import payouts as payout_cases
from application.earnings import resellers as reseller_cases
from application.earnings import tiers as tier_cases
from application.earnings.ports import (
    CommissionFilter,
    EarningsConfig,
    EarningsUnitOfWork,
    InvoiceFilter,
    InvoiceRenderer,
    LeadFilter,
    PayoutFilter,
    PayoutGateway,
    ReferredAccount,
    ResellerFilter,
)
from application.shared.pagination import Page, PageRequest
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import Commission
from domain.earnings.invoice import Invoice
from domain.earnings.lead import Lead, LeadDetails
from domain.earnings.payout import Payout
from domain.earnings.reseller import Attribution, Reseller, ResellerDetails
from domain.earnings.tiers import TierTable
from domain.identity.user import Principal, User
from domain.shared.money import Money, currency_exponent
from entrypoints.bootstrap import Container, container, deployment, setting

log = structlog.get_logger("partnerpay.earnings")

SUBSCRIBER = "earnings"
USER_REGISTERED_TOPIC = "identity.user.registered"
REFUND_FAILED = "refund.failed"
PAYOUT_GATEWAY = "earnings.payout_gateway"
INVOICE_RENDERER = "earnings.invoice_renderer"

resellers = DjangoResellerRepository()
attributions = DjangoAttributionRepository()
commissions = DjangoCommissionRepository()
invoices = DjangoInvoiceRepository()
payouts = DjangoPayoutRepository()
leads = DjangoLeadRepository()
activity = DjangoActivityLog()


def config() -> EarningsConfig:
    currency = str(setting("EARNINGS_PROGRAM_CURRENCY", "INR")).upper()
    return EarningsConfig(
        program_currency=currency,
        hold_days=int(setting("COMMISSION_HOLD_DAYS", 14)),
        payout_minimum_minor=Money.parse(str(setting("PAYOUT_MINIMUM", "500.00")), currency).minor,
        live_deployment=deployment.is_live(),
        payouts_livemode=deployment.payouts_livemode(),
    )


def uow(built: Container | None = None) -> EarningsUnitOfWork:
    unit: EarningsUnitOfWork = (built or container()).uow(
        resellers=resellers,
        tiers=DjangoTierRepository(currency_exponent(config().program_currency)),
        attributions=attributions,
        commissions=commissions,
        invoices=invoices,
        payouts=payouts,
        leads=leads,
        activity=activity,
    )
    return unit


# --- other contexts, seen through earnings' ports --------------------------------------------


class IdentityAccounts:
    """AccountDirectory over the identity context's user repository."""

    def referred_account(self, user_id: str) -> ReferredAccount | None:
        user = _user(user_id)
        if user is None:
            return None
        return ReferredAccount(user_id=user.id, role=user.role.value, referral_code=user.referred_by_code)

    def display_name(self, user_id: str) -> str:
        user = _user(user_id)
        if user is None:
            return user_id
        return user.profile.business_name or user.name or user.email


def _user(user_id: str) -> User | None:
    from entrypoints.bootstrap import identity

    try:
        uuid.UUID(str(user_id))
    except ValueError:
        return None  # an order's seller may be the company itself, not a user
    return identity.users.get(str(user_id), include_deleted=True)


class ApprovedResellerCodes:
    """Identity's ReferralDirectory: only approved resellers' codes are known at sign-up."""

    def is_known_code(self, code: str) -> bool:
        return reseller_cases.referral_code_known(resellers=resellers, code=code)


accounts = IdentityAccounts()


def payout_gateway(built: Container | None = None) -> PayoutGateway | None:
    """None when no payout gateway is wired: there is no real one yet, the sandbox only if named."""
    gateway: PayoutGateway | None = (built or container()).extras.get(PAYOUT_GATEWAY)
    if gateway is None:
        return None
    guarded: PayoutGateway = OutsideTransactions(gateway, name="payout_gateway")  # never inside a transaction
    return guarded


def invoice_renderer(built: Container | None = None) -> InvoiceRenderer:
    renderer: InvoiceRenderer = (built or container()).extras[INVOICE_RENDERER]
    return renderer


# --- wiring -------------------------------------------------------------------------------------


def wire(built: Container) -> None:
    from entrypoints.bootstrap import identity

    if "payouts" in setting("SANDBOX_COMPONENTS", ()):
        built.extras.setdefault(PAYOUT_GATEWAY, SandboxPayoutGateway())
    built.extras.setdefault(INVOICE_RENDERER, FpdfInvoiceRenderer())
    identity.set_referral_directory(ApprovedResellerCodes())

    def on_payment_event(payload: dict[str, Any]) -> None:
        event = built.event_log.get(str(payload["event_id"]))
        if event is None:
            return
        if event.type == REFUND_FAILED:
            on_refund_failed(event.id, event.data)
            return
        sale = commission_cases.sale_from_event(event.data)
        if sale is None:
            return
        outcome = commission_cases.commission_sync_payment(
            uow=uow(built), accounts=accounts, sale=sale, config=config(), clock=built.clock
        )
        if outcome.created or outcome.clawback is not None or outcome.skipped == "other_currency":
            log.info(
                "commission_synced",
                event_id=event.id,
                payment_id=sale.payment_id,
                created=outcome.created,
                clawback=outcome.clawback.id if outcome.clawback else None,
                skipped=outcome.skipped or None,
            )

    def on_refund_failed(event_id: str, data: dict[str, Any]) -> None:
        failure = commission_cases.refund_failure_from_event(data)
        if failure is None:
            return
        outcome = commission_cases.commission_refund_failed(
            uow=uow(built), accounts=accounts, failure=failure, config=config(), clock=built.clock
        )
        if outcome.restored_minor or outcome.voided or outcome.adjustment or outcome.created:
            log.info(
                "commission_refund_reversed",
                event_id=event_id,
                payment_id=failure.sale.payment_id,
                refund_id=failure.sale.refund_id,
                restored_minor=outcome.restored_minor or None,
                voided=outcome.voided.id if outcome.voided else None,
                adjustment=outcome.adjustment.id if outcome.adjustment else None,
            )

    def on_user_registered(payload: dict[str, Any]) -> None:
        if not payload.get("referral"):
            return
        reseller_cases.referral_attribute(
            uow=uow(built), accounts=accounts, account_id=str(payload["user_id"]), clock=built.clock
        )

    def render_invoice(payload: dict[str, Any]) -> None:
        invoice_cases.invoice_render(
            uow=uow(built),
            renderer=invoice_renderer(built),
            accounts=accounts,
            invoice_id=str(payload["invoice_id"]),
        )

    def process_payout(payload: dict[str, Any]) -> None:
        payout_cases.payout_process(
            uow=uow(built),
            gateway=payout_gateway(built),
            payout_id=str(payload["payout_id"]),
            clock=built.clock,
            gateway_livemode=deployment.payouts_livemode(),
        )

    built.subscriptions.subscribe_events(
        SUBSCRIBER, ["payment.captured", "payment.refunded", REFUND_FAILED], on_payment_event
    )
    built.subscriptions.subscribe(USER_REGISTERED_TOPIC, on_user_registered)
    built.subscriptions.subscribe(invoice_cases.RENDER_TOPIC, render_invoice)
    built.subscriptions.subscribe(payout_cases.PROCESS_TOPIC, process_payout)


# --- what routers, tasks and commands call ----------------------------------------------------


def apply(principal: Principal, details: ResellerDetails) -> Reseller:
    return reseller_cases.reseller_apply(uow=uow(), principal=principal, details=details, clock=container().clock)


def me(principal: Principal) -> Reseller:
    return reseller_cases.reseller_me(resellers=resellers, principal=principal)


def update_me(principal: Principal, changes: dict[str, str]) -> Reseller:
    return reseller_cases.reseller_update(uow=uow(), principal=principal, changes=changes, clock=container().clock)


def get_reseller(principal: Principal, reseller_id: str) -> Reseller:
    return reseller_cases.reseller_get(resellers=resellers, principal=principal, reseller_id=reseller_id)


def list_resellers(principal: Principal, filters: ResellerFilter, page: PageRequest) -> Page[Reseller]:
    return reseller_cases.resellers_list(resellers=resellers, principal=principal, filters=filters, page=page)


def approve_reseller(principal: Principal, reseller_id: str) -> Reseller:
    return reseller_cases.reseller_approve(
        uow=uow(), principal=principal, reseller_id=reseller_id, clock=container().clock
    )


def reject_reseller(principal: Principal, reseller_id: str, reason: str) -> Reseller:
    return reseller_cases.reseller_reject(
        uow=uow(), principal=principal, reseller_id=reseller_id, reason=reason, clock=container().clock
    )


def referrals(principal: Principal, page: PageRequest) -> Page[Attribution]:
    return reseller_cases.referrals_list(uow=uow(), principal=principal, page=page)


def activity_log(principal: Principal, page: PageRequest, reseller_id: str | None = None) -> Page[ActivityEntry]:
    return reseller_cases.activity_list(uow=uow(), principal=principal, reseller_id=reseller_id, page=page)


def stats(principal: Principal) -> reseller_cases.ResellerStats:
    return reseller_cases.reseller_stats(uow=uow(), principal=principal, config=config(), clock=container().clock)


def get_tiers(principal: Principal) -> TierTable:
    return tier_cases.tiers_get(uow=uow(), principal=principal)


def replace_tiers(principal: Principal, tiers: list[tier_cases.TierInput]) -> TierTable:
    table = tier_cases.tiers_replace(uow=uow(), principal=principal, tiers=tiers, config=config())
    recompute_tiers()
    return table


def recompute_tiers() -> int:
    return tier_cases.tiers_recompute(uow=uow(), config=config(), clock=container().clock)


def list_commissions(principal: Principal, filters: CommissionFilter, page: PageRequest) -> Page[Commission]:
    return commission_cases.commissions_list(uow=uow(), principal=principal, filters=filters, page=page)


def get_commission(principal: Principal, commission_id: str) -> Commission:
    return commission_cases.commission_get(uow=uow(), principal=principal, commission_id=commission_id)


def approve_commission(principal: Principal, commission_id: str) -> Commission:
    return commission_cases.commission_approve(
        uow=uow(), principal=principal, commission_id=commission_id, clock=container().clock
    )


def reject_commission(principal: Principal, commission_id: str, reason: str) -> Commission:
    return commission_cases.commission_reject(
        uow=uow(), principal=principal, commission_id=commission_id, reason=reason, clock=container().clock
    )


def auto_approve_commissions() -> int:
    return commission_cases.commissions_auto_approve(uow=uow(), clock=container().clock)


def issue_invoice(principal: Principal, period: str, reseller_id: str | None) -> Invoice:
    return invoice_cases.invoice_issue(
        uow=uow(), principal=principal, period=period, reseller_id=reseller_id, config=config(), clock=container().clock
    )


def list_invoices(principal: Principal, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
    return invoice_cases.invoices_list(uow=uow(), principal=principal, filters=filters, page=page)


def get_invoice(principal: Principal, invoice_id: str) -> Invoice:
    return invoice_cases.invoice_get(uow=uow(), principal=principal, invoice_id=invoice_id)


def invoice_pdf(principal: Principal, invoice_id: str) -> tuple[Invoice, bytes]:
    return invoice_cases.invoice_pdf(uow=uow(), principal=principal, invoice_id=invoice_id)


def request_payout(principal: Principal, command: payout_cases.RequestPayout) -> Payout:
    return payout_cases.payout_request(
        uow=uow(), principal=principal, command=command, config=config(), clock=container().clock
    )


def list_payouts(principal: Principal, filters: PayoutFilter, page: PageRequest) -> Page[Payout]:
    return payout_cases.payouts_list(uow=uow(), principal=principal, filters=filters, page=page)


def get_payout(principal: Principal, payout_id: str) -> Payout:
    return payout_cases.payout_get(uow=uow(), principal=principal, payout_id=payout_id)


def approve_payout(principal: Principal, payout_id: str) -> Payout:
    return payout_cases.payout_approve(
        uow=uow(),
        principal=principal,
        payout_id=payout_id,
        clock=container().clock,
        gateway_available=payout_gateway() is not None,
    )


def reject_payout(principal: Principal, payout_id: str, reason: str) -> Payout:
    return payout_cases.payout_reject(
        uow=uow(), principal=principal, payout_id=payout_id, reason=reason, clock=container().clock
    )


def create_lead(principal: Principal, details: LeadDetails) -> Lead:
    return lead_cases.lead_create(uow=uow(), principal=principal, details=details, clock=container().clock)


def update_lead(principal: Principal, lead_id: str, changes: lead_cases.LeadChanges) -> Lead:
    return lead_cases.lead_update(
        uow=uow(), principal=principal, lead_id=lead_id, changes=changes, clock=container().clock
    )


def get_lead(principal: Principal, lead_id: str) -> Lead:
    return lead_cases.lead_get(uow=uow(), principal=principal, lead_id=lead_id)


def list_leads(principal: Principal, filters: LeadFilter, page: PageRequest) -> Page[Lead]:
    return lead_cases.leads_list(uow=uow(), principal=principal, filters=filters, page=page)


def lead_summary(principal: Principal, reseller_id: str | None = None) -> dict[str, int]:
    return lead_cases.leads_summary(uow=uow(), principal=principal, reseller_id=reseller_id)
