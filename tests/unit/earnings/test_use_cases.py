"""Earnings use cases on in-memory fakes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from application.earnings import invoices, leads, resellers, tiers
from application.earnings.commissions import (
    commission_approve,
    commission_reject,
    commission_sync_payment,
    commissions_auto_approve,
    sale_from_event,
)
from application.earnings.leads import LeadChanges
from application.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.earnings.commission import CommissionKind, CommissionStatus
from domain.earnings.invoice import InvoiceStatus
from domain.earnings.lead import LeadDetails
from domain.earnings.payout import PayoutStatus
from domain.earnings.reseller import ResellerDetails
from domain.identity.user import Principal, Role
from domain.shared.errors import InvalidTransition
from tests.unit.earnings.fakes import FakeRenderer
from tests.unit.earnings.world import ADMIN, World


def test_capture_of_a_referred_merchant_creates_one_pending_commission():
    world = World()
    merchant = world.merchant()
    sale = world.sale(merchant, 100_000)
    outcome = world.sync(sale)
    assert outcome.created
    commission = outcome.commission
    assert commission.status is CommissionStatus.PENDING
    assert (commission.tier, commission.amount_minor) == ("bronze", 10_000)
    # The attribution was recorded lazily from the account's referral code.
    assert world.uow.attributions.for_account(merchant).reseller_id == world.reseller.id
    # Replaying the same event creates nothing.
    again = world.sync(sale)
    assert not again.created
    assert again.commission.id == commission.id
    assert len(world.uow.commissions.rows) == 1


def test_unattributed_other_currency_and_unknown_codes_earn_nothing():
    world = World()
    assert world.sync(world.sale("stranger", 10_000)).skipped == "not_attributed"
    world.merchant("m-bad", code="ZZZZZZZZ")
    assert world.sync(world.sale("m-bad", 10_000)).skipped == "not_attributed"
    merchant = world.merchant()
    sale = world.sale(merchant, 10_000)
    assert world.sync(replace(sale, currency="USD")).skipped == "other_currency"
    assert world.uow.commissions.rows == {}


def test_tier_rises_with_trailing_sales_and_applies_to_the_next_sale():
    world = World()
    merchant = world.merchant()
    first = world.sync(world.sale(merchant, 1_500_000)).commission  # 15,000.00: earned at bronze
    assert first.tier == "bronze"
    assert world.uow.resellers.get(world.reseller.id).tier == "gold"
    second = world.sync(world.sale(merchant, 100_000)).commission
    assert (second.tier, second.base_minor, second.bonus_minor, second.amount_minor) == ("gold", 20_000, 2_000, 22_000)
    actions = [e.action for e in world.uow.activity.entries]
    assert "tier.changed" in actions


def test_trailing_window_drops_old_sales():
    world = World()
    merchant = world.merchant()
    world.sync(world.sale(merchant, 600_000))
    assert world.uow.resellers.get(world.reseller.id).tier == "silver"
    world.clock.advance(days=400)
    assert tiers.tiers_recompute(uow=world.uow, config=world.config, clock=world.clock) == 1
    assert world.uow.resellers.get(world.reseller.id).tier == "bronze"


def test_refund_before_payout_shrinks_and_after_payout_claws_back():
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    sale = world.sale(merchant, 100_000)
    commission = world.sync(sale).commission
    # Half refunded while pending: the commission shrinks in place.
    world.sync(world.sale(merchant, 100_000, refunded=50_000, payment_id=sale.payment_id))
    assert world.uow.commissions.get(commission.id).amount_minor == 5_000
    assert commissions_auto_approve(uow=world.uow, clock=world.clock) == 1
    payout = world.request_payout("50.00")
    assert world.pay_out(payout.id).status is PayoutStatus.COMPLETED
    assert world.uow.commissions.get(commission.id).status is CommissionStatus.PAID
    assert world.available() == 0
    # The rest refunded after payout: a negative clawback, set against the next payout.
    outcome = world.sync(world.sale(merchant, 100_000, refunded=100_000, payment_id=sale.payment_id))
    assert outcome.clawback.kind is CommissionKind.CLAWBACK
    assert outcome.clawback.amount_minor == -5_000
    assert world.available() == -5_000
    with pytest.raises(InvalidInput) as refused:
        world.request_payout("0.01")
    assert refused.value.code == "insufficient_balance"
    # The next commission first pays the debt back.
    nxt = world.sync(world.sale(merchant, 80_000)).commission
    world.approve(nxt.id)
    assert world.available() == 3_000


def test_refund_event_overtaking_the_capture_still_creates_the_commission_once():
    world = World()
    merchant = world.merchant()
    refunded_first = world.sale(merchant, 100_000, refunded=40_000, payment_id="pay-x")
    outcome = world.sync(refunded_first)
    assert outcome.created
    assert outcome.commission.amount_minor == 6_000
    assert not world.sync(world.sale(merchant, 100_000, payment_id="pay-x")).created
    assert world.uow.commissions.get(outcome.commission.id).amount_minor == 6_000


def test_admin_approval_rules():
    world = World()
    merchant = world.merchant()
    one = world.sync(world.sale(merchant, 10_000)).commission
    two = world.sync(world.sale(merchant, 10_000)).commission
    commission_reject(uow=world.uow, principal=ADMIN, commission_id=two.id, reason="duplicate", clock=world.clock)
    with pytest.raises(InvalidTransition) as conflict:
        world.approve(two.id)
    assert conflict.value.kind == "conflict"
    with pytest.raises(Forbidden):
        commission_approve(uow=world.uow, principal=world.reseller_principal, commission_id=one.id, clock=world.clock)


def test_payout_limits():
    world = World(hold_days=0)
    merchant = world.merchant()
    world.sync(world.sale(merchant, 1_000_000))  # 10,000.00 -> 1,000.00 bronze commission
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    assert world.available() == 100_000
    for amount in ["499.99", "1000.01"]:
        with pytest.raises(InvalidInput) as refused:
            world.request_payout(amount)
        assert refused.value.code == "insufficient_balance"
    first = world.request_payout("500.00")
    assert first.status is PayoutStatus.REQUESTED
    with pytest.raises(InvalidInput):
        world.request_payout("500.01")  # 500.00 left
    assert world.pay_out(first.id).status is PayoutStatus.COMPLETED
    # A failed payout returns its money to the balance.
    second = world.request_payout("500.00", destination="will-fail@upi")
    assert world.available() == 0
    assert world.pay_out(second.id).status is PayoutStatus.FAILED
    assert world.available() == 50_000


def test_invoices_are_numbered_per_period_and_gather_approved_commissions_once():
    world = World(hold_days=0, payout_minimum_minor=1)
    merchant = world.merchant()
    for _ in range(3):
        world.sync(world.sale(merchant, 100_000))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    invoice = world.invoice("2026-03")
    assert invoice.number == "INV-202603-0001"
    assert invoice.total_minor == 30_000
    assert len(invoice.lines) == 3
    assert {c.status for c in world.uow.commissions.rows.values()} == {CommissionStatus.INVOICED}
    with pytest.raises(Conflict) as nothing:
        world.invoice("2026-03")
    assert nothing.value.code == "nothing_to_invoice"
    world.sync(world.sale(merchant, 100_000))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    assert world.invoice("2026-03").number == "INV-202603-0002"
    with pytest.raises(InvalidInput):
        world.invoice("2027-01")  # not started yet
    # The PDF is rendered by the outbox handler.
    with pytest.raises(Conflict) as not_ready:
        invoices.invoice_pdf(uow=world.uow, principal=world.reseller_principal, invoice_id=invoice.id)
    assert not_ready.value.code == "invoice_not_ready"
    assert ("earnings.invoice.render", {"invoice_id": invoice.id}) in world.uow.outbox.sent
    invoices.invoice_render(uow=world.uow, renderer=FakeRenderer(), accounts=world.accounts, invoice_id=invoice.id)
    _, pdf = invoices.invoice_pdf(uow=world.uow, principal=world.reseller_principal, invoice_id=invoice.id)
    assert pdf.startswith(b"%PDF")
    # Paying out everything marks commissions and then the invoice paid.
    world.pay_out(world.request_payout("200.00").id)
    assert world.uow.invoices.get(invoice.id).status is InvoiceStatus.ISSUED
    world.sync(world.sale(merchant, 10_000_000))
    commissions_auto_approve(uow=world.uow, clock=world.clock)
    world.pay_out(world.request_payout("100.00").id)
    assert world.uow.invoices.get(invoice.id).status is InvoiceStatus.PAID


def test_other_resellers_records_are_not_found():
    world = World(hold_days=0)
    merchant = world.merchant()
    commission = world.sync(world.sale(merchant, 100_000)).commission
    other = Principal(user_id="reseller-user-2", role=Role.RESELLER)
    resellers.reseller_apply(uow=world.uow, principal=other, details=ResellerDetails(), clock=world.clock)
    from application.earnings.commissions import commission_get

    with pytest.raises(NotFound):
        commission_get(uow=world.uow, principal=other, commission_id=commission.id)
    assert commission_get(uow=world.uow, principal=ADMIN, commission_id=commission.id).id == commission.id


def test_referral_codes_known_only_once_approved():
    world = World()
    pending = resellers.reseller_apply(
        uow=world.uow,
        principal=Principal(user_id="reseller-user-3", role=Role.RESELLER),
        details=ResellerDetails(),
        clock=world.clock,
    )
    assert resellers.referral_code_known(resellers=world.uow.resellers, code=world.code.lower())
    assert not resellers.referral_code_known(resellers=world.uow.resellers, code=pending.referral_code)
    assert not resellers.referral_code_known(resellers=world.uow.resellers, code="nope")


def test_lead_pipeline_through_use_cases():
    world = World()
    lead = leads.lead_create(
        uow=world.uow, principal=world.reseller_principal, details=LeadDetails(name="Acme"), clock=world.clock
    )
    moved = leads.lead_update(
        uow=world.uow,
        principal=world.reseller_principal,
        lead_id=lead.id,
        changes=LeadChanges(details={"company": "Acme Ltd"}, status="contacted"),
        clock=world.clock,
    )
    assert (moved.status.value, moved.details.company) == ("contacted", "Acme Ltd")
    with pytest.raises(InvalidTransition):
        leads.lead_update(
            uow=world.uow,
            principal=world.reseller_principal,
            lead_id=lead.id,
            changes=LeadChanges(details={}, status="converted"),
            clock=world.clock,
        )
    summary = leads.leads_summary(uow=world.uow, principal=world.reseller_principal)
    assert summary == {"new": 0, "contacted": 1, "qualified": 0, "converted": 0, "lost": 0}


def test_sale_from_event_picks_the_attributed_account():
    payment = {"id": "p", "currency": "INR", "amount_captured": "100.50", "amount_refunded": "0.50", "order_id": "o"}
    merchant_sale = sale_from_event({"object": payment, "order": {"id": "o", "kind": "merchant", "seller_id": "m"}})
    assert (merchant_sale.account_id, merchant_sale.captured_minor, merchant_sale.refunded_minor) == ("m", 10050, 50)
    distributor = sale_from_event(
        {"object": payment, "order": {"id": "o", "kind": "distributor", "seller_id": "company", "buyer_id": "d"}}
    )
    assert distributor.account_id == "d"
    assert sale_from_event({"object": {}, "order": {}}) is None


def test_commission_sync_needs_an_approved_reseller():
    world = World()
    merchant = world.merchant()
    outcome = commission_sync_payment(
        uow=world.uow, accounts=world.accounts, sale=world.sale(merchant, 0), config=world.config, clock=world.clock
    )
    assert outcome.skipped == "nothing_captured"


def test_sandbox_money_earns_nothing_in_a_live_deployment_and_everything_in_the_demo():
    payment = {"id": "p1", "currency": "INR", "amount_captured": "1000.00", "livemode": False}
    sale = sale_from_event({"object": payment, "order": {"id": "o", "kind": "merchant", "seller_id": "m"}})
    assert sale is not None
    assert sale.livemode is False
    assert sale_from_event({"object": {**payment, "livemode": True}, "order": {"seller_id": "m"}}).livemode is True
    # Events from before livemode existed count as live.
    legacy = {k: v for k, v in payment.items() if k != "livemode"}
    assert sale_from_event({"object": legacy, "order": {"seller_id": "m"}}).livemode is True

    live = World()
    assert live.config.live_deployment is True  # the safe default: sandbox money has no effect
    merchant = live.merchant()
    outcome = live.sync(replace(live.sale(merchant, 100_000), livemode=False))
    assert (outcome.skipped, outcome.created) == ("sandbox_payment", False)
    assert live.sync(live.sale(merchant, 100_000)).created is True

    demo = World()
    demo.config = replace(demo.config, live_deployment=False)
    assert demo.sync(replace(demo.sale(demo.merchant(), 100_000), livemode=False)).created is True


def test_approving_a_payout_without_a_payout_gateway_is_refused_and_processing_waits():
    from application.earnings import payouts as payout_cases
    from application.shared.errors import Unavailable
    from application.shared.outbox import RetryLater

    world = World()
    with pytest.raises(Unavailable) as refused:
        payout_cases.payout_approve(
            uow=world.uow, principal=ADMIN, payout_id="any", clock=world.clock, gateway_available=False
        )
    assert refused.value.code == "payout_gateway_unavailable"
    with pytest.raises(RetryLater):
        payout_cases.payout_process(uow=world.uow, gateway=None, payout_id="any", clock=world.clock)
