"""Demo data for the partner portal (used by ``load_demo_data``): a reseller with a referred shop, and sales.

Everything goes through the same services (use cases) as the API, then the outbox is drained
once so commissions exist before the worker starts. Created once; a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.earnings.ports import CommissionFilter
from application.identity.use_cases import RegisterCommand
from application.payments.orders import CreateOrder
from application.payments.payments import CardData, CreatePayment
from application.payments.refunds import CreateRefund
from application.shared.pagination import PageRequest
from domain.earnings.lead import LeadDetails
from domain.earnings.reseller import ResellerDetails
from domain.identity.user import Principal, Profile, Role, User
from entrypoints import bootstrap

RESELLER_EMAIL = "reseller@partnerpay.local"
REFERRED_EMAIL = "shop@partnerpay.local"
APPROVED = "4242424242424242"
DECLINED = "4000000000000002"


@dataclass(frozen=True)
class PortalDemo:
    reseller_created: bool
    referral_code: str


def _sell(seller: Principal, amounts: list[tuple[str, str]]) -> list[str]:
    """Orders paid by card (``number``), as a merchant's server would through the API; returns payment ids."""
    paid = []
    for amount, number in amounts:
        order = bootstrap.container().payments.order_create(
            seller_id=seller.user_id, command=CreateOrder(amount=amount, currency="INR", description="Demo")
        )
        card = CardData(number=number, expiry="12/35", cvv="123")
        payment = bootstrap.container().payments.payment_create(
            principal=seller, command=CreatePayment(order_id=str(order.id), method="card", card=card)
        )
        paid.append(str(payment.id))
    return paid


def drain_outbox(rounds: int = 5) -> None:
    """Runs what the worker would (commissions, attributions, PDFs) so the demo shows it at once."""
    built = bootstrap.container()
    for _ in range(rounds):
        due = built.outbox_store.due_ids(now=built.clock.now(), limit=500)
        if not due:
            return
        for message_id in due:
            built.process_outbox_message(message_id)


def load(*, admin: User, merchant: User, password: str) -> PortalDemo:
    built = bootstrap.container()
    identity, earnings = built.identity, built.earnings
    reseller_user, created = identity.demo_user_ensure(
        email=RESELLER_EMAIL, password=password, name="Demo Reseller", role="reseller", business_name="Demo Referrals"
    )
    reseller_principal = Principal(user_id=reseller_user.id, role=Role.RESELLER)
    if not created:
        existing = earnings.reseller_me(principal=reseller_principal)
        return PortalDemo(reseller_created=False, referral_code=existing.referral_code)
    admin_principal = Principal(user_id=admin.id, role=Role.ADMIN)
    applied = earnings.reseller_apply(
        principal=reseller_principal,
        details=ResellerDetails(business_name="Demo Referrals", pitch="Kirana stores in Pune"),
    )
    reseller = earnings.reseller_approve(principal=admin_principal, reseller_id=applied.id)
    session = identity.user_register(
        command=RegisterCommand(
            email=REFERRED_EMAIL,
            password=password,
            name="Demo Referred Shop",
            role="merchant",
            referral_code=reseller.referral_code,
            profile=Profile(business_name="Referred Shop"),
            client_ip="demo-data",
        )
    )
    identity.token_logout(refresh=session.tokens.refresh)
    drain_outbox()  # the attribution is recorded from the registration event
    shop = Principal(user_id=session.user.id, role=Role.MERCHANT)
    shop_payments = _sell(shop, [("12500.00", APPROVED), ("4800.00", APPROVED), ("650.00", DECLINED)])
    # The demo merchant sells too, with a failure and a partial refund, so its dashboard has figures.
    own = Principal(user_id=merchant.id, role=Role.MERCHANT)
    own_payments = _sell(
        own, [("1499.00", APPROVED), ("899.50", APPROVED), ("2250.00", DECLINED), ("350.00", APPROVED)]
    )
    payments = bootstrap.container().payments
    payments.refund_create(
        principal=own, command=CreateRefund(payment_id=own_payments[0], amount="199.00", reason="Demo refund")
    )
    payments.refund_create(
        principal=shop, command=CreateRefund(payment_id=shop_payments[1], amount="800.00", reason="Demo refund")
    )
    drain_outbox()
    found = earnings.commissions_list(
        principal=admin_principal,
        filters=CommissionFilter(reseller_id=reseller.id),
        page=PageRequest.build(limit=100, cursor=None),
    )
    for commission in found.items[1:]:  # one stays pending, as in real life
        earnings.commission_approve(principal=admin_principal, commission_id=commission.id)
    for name, company in (("Kiran Stores", "Kiran"), ("Meena Traders", "Meena"), ("Arjun Repairs", "")):
        earnings.lead_create(principal=reseller_principal, details=LeadDetails(name=name, company=company))
    drain_outbox()
    return PortalDemo(reseller_created=True, referral_code=reseller.referral_code)
