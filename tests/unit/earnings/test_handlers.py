"""Earnings' subscriptions on fakes: the services the composition root builds, with in-memory adapters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from application.earnings.handlers import SUBSCRIBER, USER_REGISTERED_TOPIC, register
from application.earnings.invoices import RENDER_TOPIC
from application.earnings.payouts import PROCESS_TOPIC, RequestPayout
from application.earnings.services import EarningsServices
from application.shared.events import StoredEvent, subscriber_topic
from application.shared.outbox import Attempt, handler_call
from application.shared.subscriptions import Subscriptions
from domain.earnings.commission import CommissionStatus
from tests.unit.earnings.fakes import FakeRenderer
from tests.unit.earnings.world import ADMIN, World


class MemoryEvents:
    def __init__(self) -> None:
        self.events: dict[str, StoredEvent] = {}

    def add(self, event_type: str, data: dict[str, Any]) -> str:
        event_id = f"evt-{len(self.events) + 1}"
        self.events[event_id] = StoredEvent(event_id, event_type, "owner", data, datetime(2026, 11, 1, tzinfo=UTC))
        return event_id

    def get(self, event_id: str) -> StoredEvent | None:
        return self.events.get(event_id)


def _wired(world: World) -> tuple[EarningsServices, Subscriptions, MemoryEvents]:
    events = MemoryEvents()
    earnings = EarningsServices(
        uow=lambda: world.uow,
        resellers=world.uow.resellers,
        accounts=world.accounts,
        events=events,
        renderer=FakeRenderer(),
        payout_gateway=world.gateway,
        config=world.config,
        clock=world.clock,
    )
    subscriptions = Subscriptions()
    register(subscriptions, earnings)
    return earnings, subscriptions, events


def _run(subscriptions: Subscriptions, topic: str, payload: dict[str, Any]) -> None:
    handler = subscriptions.handler(topic)
    assert handler is not None, topic
    handler_call(handler, payload, Attempt(number=1, max_attempts=5))


def _captured(merchant: str, payment_id: str, amount: str) -> dict[str, Any]:
    payment = {"id": payment_id, "currency": "INR", "amount_captured": amount, "amount_refunded": "0"}
    return {"object": payment, "order": {"id": f"ord-{payment_id}", "kind": "merchant", "seller_id": merchant}}


def test_earnings_subscribes_to_payment_events_sign_ups_pdfs_and_payouts():
    _earnings, subscriptions, _events = _wired(World())
    assert subscriptions.event_subscribers()[SUBSCRIBER] == ["payment.captured", "payment.refunded", "refund.failed"]
    for topic in (subscriber_topic(SUBSCRIBER), USER_REGISTERED_TOPIC, RENDER_TOPIC, PROCESS_TOPIC):
        assert subscriptions.handler(topic) is not None, topic


def test_a_captured_payment_event_becomes_one_commission_and_a_replay_changes_nothing():
    world = World()
    earnings, subscriptions, events = _wired(world)
    merchant = world.merchant()
    event_id = events.add("payment.captured", _captured(merchant, "pay-1", "1000.00"))
    _run(subscriptions, subscriber_topic(SUBSCRIBER), {"event_id": event_id})
    _run(subscriptions, subscriber_topic(SUBSCRIBER), {"event_id": event_id})
    [commission] = world.uow.commissions.rows.values()
    assert (commission.payment_id, commission.amount_minor, commission.status) == (
        "pay-1",
        10_000,
        CommissionStatus.PENDING,
    )
    # A message whose event is gone (or names no account) is done, not retried.
    _run(subscriptions, subscriber_topic(SUBSCRIBER), {"event_id": "evt-unknown"})
    assert len(world.uow.commissions.rows) == 1
    assert earnings.reseller_me(principal=world.reseller_principal).id == world.reseller.id


def test_a_referred_sign_up_is_attributed_and_one_without_a_code_is_not():
    world = World()
    _earnings, subscriptions, _events = _wired(world)
    referred, direct = world.merchant("m-referred"), world.merchant("m-direct", code="")
    _run(subscriptions, USER_REGISTERED_TOPIC, {"user_id": referred, "role": "merchant", "referral": world.code})
    _run(subscriptions, USER_REGISTERED_TOPIC, {"user_id": direct, "role": "merchant", "referral": ""})
    assert world.uow.attributions.for_account(referred) is not None
    assert world.uow.attributions.for_account(direct) is None


def test_an_approved_payout_is_paid_by_the_services_gateway():
    world = World()
    earnings, subscriptions, events = _wired(world)
    merchant = world.merchant()
    _run(
        subscriptions,
        subscriber_topic(SUBSCRIBER),
        {"event_id": events.add("payment.captured", _captured(merchant, "pay-1", "10000.00"))},
    )
    [commission] = world.uow.commissions.rows.values()
    earnings.commission_approve(principal=ADMIN, commission_id=commission.id)
    payout = earnings.payout_request(
        principal=world.reseller_principal,
        command=RequestPayout(amount="500.00", method="upi", destination="ravi@okhdfc"),
    )
    earnings.payout_approve(principal=ADMIN, payout_id=payout.id)
    _run(subscriptions, PROCESS_TOPIC, {"payout_id": payout.id})
    assert [sent.payout_id for sent in world.gateway.sent] == [payout.id]
    assert earnings.payout_get(principal=ADMIN, payout_id=payout.id).status.value == "completed"
