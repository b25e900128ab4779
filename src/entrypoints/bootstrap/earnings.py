"""Earnings wiring: the Django repositories, identity's users as the account directory, the payout
gateway (the sandbox's only when SANDBOX_COMPONENTS names it; there is no real one yet), the PDF renderer."""

from __future__ import annotations

from adapters.bridges.identity_accounts import IdentityAccounts
from adapters.django_orm.earnings import conf
from adapters.django_orm.earnings.models import InvoiceCounter
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
from adapters.django_orm.identity.repositories import DjangoUserRepository
from adapters.django_orm.shared.sequences import DjangoInvoiceNumbers
from adapters.gateways.invoice_pdf import FpdfInvoiceRenderer
from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.gateways.payouts_sandbox import SandboxPayoutGateway
from application.earnings.ports import PayoutGateway
from application.earnings.services import EarningsServices
from domain.earnings.invoice import INVOICE_SERIES
from domain.shared.money import currency_exponent
from entrypoints import deployment
from entrypoints.bootstrap.platform import Platform


def _payout_gateway() -> PayoutGateway | None:
    if "payouts" not in deployment.named():
        return None
    guarded: PayoutGateway = OutsideTransactions(SandboxPayoutGateway(), name="payout_gateway")
    return guarded


def build(built: Platform) -> EarningsServices:
    config = conf.earnings_config(live_deployment=deployment.is_live(), payouts_livemode=deployment.payouts_livemode())
    resellers = DjangoResellerRepository()
    repositories = {
        "resellers": resellers,
        "tiers": DjangoTierRepository(currency_exponent(config.program_currency)),
        "attributions": DjangoAttributionRepository(),
        "commissions": DjangoCommissionRepository(),
        "invoices": DjangoInvoiceRepository(),
        "invoice_numbers": DjangoInvoiceNumbers({INVOICE_SERIES: InvoiceCounter}),
        "payouts": DjangoPayoutRepository(),
        "leads": DjangoLeadRepository(),
        "activity": DjangoActivityLog(),
    }
    return EarningsServices(
        uow=built.uow_factory(**repositories),
        resellers=resellers,
        accounts=IdentityAccounts(DjangoUserRepository()),
        events=built.event_log,
        renderer=FpdfInvoiceRenderer(),
        payout_gateway=_payout_gateway(),
        config=config,
        clock=built.clock,
    )
