"""A small earnings world on fakes: an admin, an approved reseller, referred merchants, and helpers."""

from __future__ import annotations

from application.earnings import commissions, invoices, payouts, resellers
from application.earnings.commissions import SaleFact, SyncOutcome
from application.earnings.ports import EarningsConfig
from domain.earnings.reseller import ResellerDetails
from domain.identity.user import Principal, Role
from tests.unit.earnings.fakes import FakeAccounts, FakePayoutGateway, FixedClock, MemoryUnitOfWork

ADMIN = Principal(user_id="admin-1", role=Role.ADMIN)


class World:
    def __init__(self, *, hold_days: int = 14, payout_minimum_minor: int = 50_000) -> None:
        self.uow = MemoryUnitOfWork()
        self.clock = FixedClock()
        self.accounts = FakeAccounts()
        self.gateway = FakePayoutGateway()
        self.config = EarningsConfig(hold_days=hold_days, payout_minimum_minor=payout_minimum_minor)
        self.reseller_principal = Principal(user_id="reseller-user-1", role=Role.RESELLER)
        applied = resellers.reseller_apply(
            uow=self.uow,
            principal=self.reseller_principal,
            details=ResellerDetails(business_name="R"),
            clock=self.clock,
        )
        self.reseller = resellers.reseller_approve(
            uow=self.uow, principal=ADMIN, reseller_id=applied.id, clock=self.clock
        )
        self.code = self.reseller.referral_code
        self._payments = 0

    def merchant(self, user_id: str = "merchant-1", *, code: str | None = None) -> str:
        self.accounts.add(user_id, "merchant", self.code if code is None else code)
        return user_id

    def sale(self, account_id: str, captured: int, refunded: int = 0, payment_id: str | None = None) -> SaleFact:
        if payment_id is None:
            self._payments += 1
            payment_id = f"pay-{self._payments}"
        return SaleFact(
            payment_id=payment_id,
            order_id=f"ord-{payment_id}",
            account_id=account_id,
            currency="INR",
            captured_minor=captured,
            refunded_minor=refunded,
            refund_id=f"re-{payment_id}-{refunded}" if refunded else "",
        )

    def sync(self, sale: SaleFact) -> SyncOutcome:
        self.clock.advance(seconds=1)  # settlement is oldest first: keep events apart in time
        return commissions.commission_sync_payment(
            uow=self.uow, accounts=self.accounts, sale=sale, config=self.config, clock=self.clock
        )

    def approve(self, commission_id: str):  # type: ignore[no-untyped-def]
        return commissions.commission_approve(
            uow=self.uow, principal=ADMIN, commission_id=commission_id, clock=self.clock
        )

    def request_payout(self, amount: str, destination: str = "ravi@okhdfc"):  # type: ignore[no-untyped-def]
        return payouts.payout_request(
            uow=self.uow,
            principal=self.reseller_principal,
            command=payouts.RequestPayout(amount=amount, method="upi", destination=destination),
            config=self.config,
            clock=self.clock,
        )

    def pay_out(self, payout_id: str):  # type: ignore[no-untyped-def]
        payouts.payout_approve(uow=self.uow, principal=ADMIN, payout_id=payout_id, clock=self.clock)
        return payouts.payout_process(uow=self.uow, gateway=self.gateway, payout_id=payout_id, clock=self.clock)

    def invoice(self, period: str):  # type: ignore[no-untyped-def]
        return invoices.invoice_issue(
            uow=self.uow,
            principal=self.reseller_principal,
            period=period,
            reseller_id=None,
            config=self.config,
            clock=self.clock,
        )

    def available(self) -> int:
        from application.earnings.common import ledger

        return ledger(self.uow, self.reseller.id, self.config).available_minor
