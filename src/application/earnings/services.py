"""Earnings' use cases bound to their adapters: what routers, tasks, commands and handlers call.

The composition root builds one ``EarningsServices`` with Django adapters; tests may build it with fakes.
Each method keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.earnings import commissions as commission_cases
from application.earnings import invoices as invoice_cases
from application.earnings import leads as lead_cases
from application.earnings import payouts as payout_cases
from application.earnings import resellers as reseller_cases
from application.earnings import tiers as tier_cases
from application.earnings.ports import (
    AccountDirectory,
    CommissionFilter,
    EarningsConfig,
    EarningsUnitOfWork,
    InvoiceFilter,
    InvoiceRenderer,
    LeadFilter,
    PayoutFilter,
    PayoutGateway,
    ResellerFilter,
    ResellerRepository,
    StoredEvents,
)
from application.shared.pagination import Page, PageRequest
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import Commission
from domain.earnings.invoice import Invoice
from domain.earnings.lead import Lead, LeadDetails
from domain.earnings.payout import Payout
from domain.earnings.reseller import Attribution, Reseller, ResellerDetails
from domain.earnings.tiers import TierTable
from domain.identity.user import Principal
from domain.shared.clock import Clock


@dataclass(slots=True)
class EarningsServices:
    uow: Callable[[], EarningsUnitOfWork]
    resellers: ResellerRepository
    # Identity's accounts, seen through earnings' port (adapters/bridges/identity_accounts.py).
    accounts: AccountDirectory
    # The event log, read by the payment event subscriber (application/earnings/handlers.py).
    events: StoredEvents
    renderer: InvoiceRenderer
    # None while no payout gateway is wired: there is no real one yet, the sandbox only if named.
    payout_gateway: PayoutGateway | None
    config: EarningsConfig
    clock: Clock

    # --- resellers ------------------------------------------------------------------------------

    def reseller_apply(self, *, principal: Principal, details: ResellerDetails) -> Reseller:
        return reseller_cases.reseller_apply(uow=self.uow(), principal=principal, details=details, clock=self.clock)

    def reseller_me(self, *, principal: Principal) -> Reseller:
        return reseller_cases.reseller_me(resellers=self.resellers, principal=principal)

    def reseller_update(self, *, principal: Principal, changes: dict[str, str]) -> Reseller:
        return reseller_cases.reseller_update(uow=self.uow(), principal=principal, changes=changes, clock=self.clock)

    def reseller_get(self, *, principal: Principal, reseller_id: str) -> Reseller:
        return reseller_cases.reseller_get(resellers=self.resellers, principal=principal, reseller_id=reseller_id)

    def resellers_list(self, *, principal: Principal, filters: ResellerFilter, page: PageRequest) -> Page[Reseller]:
        return reseller_cases.resellers_list(resellers=self.resellers, principal=principal, filters=filters, page=page)

    def reseller_approve(self, *, principal: Principal, reseller_id: str) -> Reseller:
        return reseller_cases.reseller_approve(
            uow=self.uow(), principal=principal, reseller_id=reseller_id, clock=self.clock
        )

    def reseller_reject(self, *, principal: Principal, reseller_id: str, reason: str) -> Reseller:
        return reseller_cases.reseller_reject(
            uow=self.uow(), principal=principal, reseller_id=reseller_id, reason=reason, clock=self.clock
        )

    def referral_attribute(self, *, account_id: str) -> Attribution | None:
        return reseller_cases.referral_attribute(
            uow=self.uow(), accounts=self.accounts, account_id=account_id, clock=self.clock
        )

    def referrals_list(self, *, principal: Principal, page: PageRequest) -> Page[Attribution]:
        return reseller_cases.referrals_list(uow=self.uow(), principal=principal, page=page)

    def activity_list(
        self, *, principal: Principal, page: PageRequest, reseller_id: str | None = None
    ) -> Page[ActivityEntry]:
        return reseller_cases.activity_list(uow=self.uow(), principal=principal, reseller_id=reseller_id, page=page)

    def reseller_stats(self, *, principal: Principal) -> reseller_cases.ResellerStats:
        return reseller_cases.reseller_stats(uow=self.uow(), principal=principal, config=self.config, clock=self.clock)

    # --- tiers ----------------------------------------------------------------------------------

    def tiers_get(self, *, principal: Principal) -> TierTable:
        return tier_cases.tiers_get(uow=self.uow(), principal=principal)

    def tiers_replace(self, *, principal: Principal, tiers: Sequence[tier_cases.TierInput]) -> TierTable:
        return tier_cases.tiers_replace(
            uow=self.uow(), principal=principal, tiers=tiers, config=self.config, clock=self.clock
        )

    def tiers_recompute(self) -> int:
        return tier_cases.tiers_recompute(uow=self.uow(), config=self.config, clock=self.clock)

    # --- commissions ----------------------------------------------------------------------------

    def commission_sync_payment(self, *, sale: commission_cases.SaleFact) -> commission_cases.SyncOutcome:
        return commission_cases.commission_sync_payment(
            uow=self.uow(), accounts=self.accounts, sale=sale, config=self.config, clock=self.clock
        )

    def commission_refund_failed(self, *, failure: commission_cases.RefundFailure) -> commission_cases.SyncOutcome:
        return commission_cases.commission_refund_failed(
            uow=self.uow(), accounts=self.accounts, failure=failure, config=self.config, clock=self.clock
        )

    def commissions_list(
        self, *, principal: Principal, filters: CommissionFilter, page: PageRequest
    ) -> Page[Commission]:
        return commission_cases.commissions_list(uow=self.uow(), principal=principal, filters=filters, page=page)

    def commission_get(self, *, principal: Principal, commission_id: str) -> Commission:
        return commission_cases.commission_get(uow=self.uow(), principal=principal, commission_id=commission_id)

    def commission_approve(self, *, principal: Principal, commission_id: str) -> Commission:
        return commission_cases.commission_approve(
            uow=self.uow(), principal=principal, commission_id=commission_id, clock=self.clock
        )

    def commission_reject(self, *, principal: Principal, commission_id: str, reason: str) -> Commission:
        return commission_cases.commission_reject(
            uow=self.uow(), principal=principal, commission_id=commission_id, reason=reason, clock=self.clock
        )

    def commissions_auto_approve(self) -> int:
        return commission_cases.commissions_auto_approve(uow=self.uow(), clock=self.clock)

    # --- invoices -------------------------------------------------------------------------------

    def invoice_issue(self, *, principal: Principal, period: str, reseller_id: str | None) -> Invoice:
        return invoice_cases.invoice_issue(
            uow=self.uow(),
            principal=principal,
            period=period,
            reseller_id=reseller_id,
            config=self.config,
            clock=self.clock,
        )

    def invoices_list(self, *, principal: Principal, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        return invoice_cases.invoices_list(uow=self.uow(), principal=principal, filters=filters, page=page)

    def invoice_get(self, *, principal: Principal, invoice_id: str) -> Invoice:
        return invoice_cases.invoice_get(uow=self.uow(), principal=principal, invoice_id=invoice_id)

    def invoice_pdf(self, *, principal: Principal, invoice_id: str) -> tuple[Invoice, bytes]:
        return invoice_cases.invoice_pdf(uow=self.uow(), principal=principal, invoice_id=invoice_id)

    def invoice_render(self, *, invoice_id: str) -> bool:
        return invoice_cases.invoice_render(
            uow=self.uow(), renderer=self.renderer, accounts=self.accounts, invoice_id=invoice_id
        )

    # --- payouts --------------------------------------------------------------------------------

    def payout_request(self, *, principal: Principal, command: payout_cases.RequestPayout) -> Payout:
        return payout_cases.payout_request(
            uow=self.uow(), principal=principal, command=command, config=self.config, clock=self.clock
        )

    def payouts_list(self, *, principal: Principal, filters: PayoutFilter, page: PageRequest) -> Page[Payout]:
        return payout_cases.payouts_list(uow=self.uow(), principal=principal, filters=filters, page=page)

    def payout_get(self, *, principal: Principal, payout_id: str) -> Payout:
        return payout_cases.payout_get(uow=self.uow(), principal=principal, payout_id=payout_id)

    def payout_approve(self, *, principal: Principal, payout_id: str) -> Payout:
        return payout_cases.payout_approve(
            uow=self.uow(),
            principal=principal,
            payout_id=payout_id,
            clock=self.clock,
            gateway_available=self.payout_gateway is not None,
        )

    def payout_reject(self, *, principal: Principal, payout_id: str, reason: str) -> Payout:
        return payout_cases.payout_reject(
            uow=self.uow(), principal=principal, payout_id=payout_id, reason=reason, clock=self.clock
        )

    def payout_process(self, *, payout_id: str) -> Payout | None:
        return payout_cases.payout_process(
            uow=self.uow(),
            gateway=self.payout_gateway,
            payout_id=payout_id,
            clock=self.clock,
            gateway_livemode=self.config.payouts_livemode,
        )

    # --- leads ----------------------------------------------------------------------------------

    def lead_create(self, *, principal: Principal, details: LeadDetails) -> Lead:
        return lead_cases.lead_create(uow=self.uow(), principal=principal, details=details, clock=self.clock)

    def lead_update(self, *, principal: Principal, lead_id: str, changes: lead_cases.LeadChanges) -> Lead:
        return lead_cases.lead_update(
            uow=self.uow(), principal=principal, lead_id=lead_id, changes=changes, clock=self.clock
        )

    def lead_get(self, *, principal: Principal, lead_id: str) -> Lead:
        return lead_cases.lead_get(uow=self.uow(), principal=principal, lead_id=lead_id)

    def leads_list(self, *, principal: Principal, filters: LeadFilter, page: PageRequest) -> Page[Lead]:
        return lead_cases.leads_list(uow=self.uow(), principal=principal, filters=filters, page=page)

    def leads_summary(self, *, principal: Principal, reseller_id: str | None = None) -> dict[str, int]:
        return lead_cases.leads_summary(uow=self.uow(), principal=principal, reseller_id=reseller_id)
