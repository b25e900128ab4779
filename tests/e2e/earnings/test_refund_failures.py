"""A failed refund gives the commission back, end to end (issue #13).

Captures and refunds go through the HTTP API (the payments context publishes ``payment.captured``
and ``payment.refunded``). ``refund.failed`` is built here exactly as the event contract describes
it (the refund view with ``status: failed``, ``reversed`` and ``kind``; the payment and order as
they are after the reversal) and published through the real event log and outbox; the earnings
subscriber's messages are then run as the worker runs them.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.earnings.conftest import admin_headers, approve_all, approved_reseller, drive_outbox, referred_merchant
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import post, route_events

pytestmark = pytest.mark.django_db


def refunded_event(refund_id: str) -> Any:
    from adapters.django_orm.platform.models import EventRecord

    return EventRecord.objects.get(type="payment.refunded", data__refund__id=refund_id)


def refund_failed(refund_id: str, *, reversed_: bool = True, kind: str = "refund") -> str:
    """Publishes ``refund.failed`` for a refund whose ``payment.refunded`` exists; returns the event id."""
    from domain.shared.events import DomainEvent
    from domain.shared.money import Money
    from entrypoints.bootstrap import container

    accepted = refunded_event(refund_id)
    refund, payment, order = accepted.data["refund"], accepted.data["object"], accepted.data["order"]
    currency = payment["currency"]
    given_back = Money.parse(refund["amount"], currency) if reversed_ else Money(0, currency)
    lowered = (Money.parse(payment["amount_refunded"], currency) - given_back).to_decimal_string()
    data = {
        "object": {
            **refund,
            "status": "failed",
            "failure_message": "The issuer declined the refund",
            "reversed": reversed_,
            "kind": kind,
        },
        "payment": {**payment, "amount_refunded": lowered, "status": "captured"},
        "order": {**order, "amount_refunded": lowered} if "amount_refunded" in order else order,
    }
    built = container()
    with built.uow() as uow:
        [stored] = built.events_publish(uow.outbox, [DomainEvent("refund.failed", data)], owner_id=accepted.owner_id)
    return stored.id


def run_event(event_id: str) -> None:
    """Runs the earnings subscriber's message for one event now (as if the worker took it first)."""
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints.bootstrap import container

    route_events()
    message = OutboxMessage.objects.get(topic="event.earnings", payload__event_id=event_id)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.PENDING)
    assert container().process_outbox_message(str(message.pk)).status == "done"


def refund(http, merchant, payment_id: str, amount: str) -> str:
    response = post(http, "/api/v1/refunds", {"payment_id": payment_id, "amount": amount}, **merchant["headers"])
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def commission(http, reseller, payment_id: str) -> dict[str, Any]:
    items = http.get(f"/api/v1/commissions?payment_id={payment_id}&kind=commission", headers=reseller["headers"])
    [found] = items.json()["items"]
    return found


def actions(http, reseller) -> list[str]:
    page = http.get("/api/v1/resellers/me/activity?limit=100", headers=reseller["headers"]).json()
    return [e["action"] for e in page["items"]]


def setup(http, amount: str = "1000.00") -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, str]]:
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    payment = pay_card(http, merchant, create_order(http, merchant, amount=amount)["id"]).json()
    drive_outbox()
    return reseller, merchant, payment, admin


def test_a_failed_refund_gives_the_reduced_commission_back_once(http):
    reseller, merchant, payment, _ = setup(http)
    refund_id = refund(http, merchant, payment["id"], "250.00")
    drive_outbox()
    assert commission(http, reseller, payment["id"])["amount"] == "75.00"
    event_id = refund_failed(refund_id)
    drive_outbox()
    restored = commission(http, reseller, payment["id"])
    assert (restored["amount"], restored["clawed_back"], restored["refunded_sale_amount"]) == ("100.00", "0.00", "0.00")
    assert actions(http, reseller).count("commission.restored") == 1
    # The worker dies after the handler committed: the message runs again and changes nothing.
    run_event(event_id)
    assert commission(http, reseller, payment["id"])["amount"] == "100.00"
    assert actions(http, reseller).count("commission.restored") == 1


def test_after_payout_a_failed_refund_voids_its_open_clawback(http):
    reseller, merchant, payment, admin = setup(http, "10000.00")  # a payout is at least 500.00
    approve_all(http, admin)
    body = {"method": "upi", "destination": "ravi@okhdfc", "amount": "1000.00"}
    payout = post(http, "/api/v1/payouts", body, **reseller["headers"]).json()
    post(http, f"/api/v1/payouts/{payout['id']}/approve", {}, **admin)
    drive_outbox()
    assert commission(http, reseller, payment["id"])["status"] == "paid"
    refund_id = refund(http, merchant, payment["id"], "5000.00")
    drive_outbox()
    [clawback] = http.get("/api/v1/commissions?kind=clawback", headers=reseller["headers"]).json()["items"]
    assert (clawback["amount"], clawback["status"]) == ("-500.00", "approved")
    stats = http.get("/api/v1/resellers/me/stats", headers=reseller["headers"]).json()
    assert stats["balance"]["available"] == "-500.00"
    refund_failed(refund_id)
    drive_outbox()
    voided = http.get(f"/api/v1/commissions/{clawback['id']}", headers=reseller["headers"]).json()
    assert voided["status"] == "rejected"
    assert refund_id in voided["reason"]
    stats = http.get("/api/v1/resellers/me/stats", headers=reseller["headers"]).json()
    assert (stats["balance"]["available"], stats["balance"]["clawbacks"]) == ("0.00", "0.00")
    assert "commission.clawback_voided" in actions(http, reseller)
    assert http.get("/api/v1/commissions?kind=adjustment", headers=reseller["headers"]).json()["items"] == []


def test_a_failure_handled_before_its_refund_leaves_nothing_to_claw_back(http):
    from adapters.django_orm.platform.models import OutboxMessage

    reseller, merchant, payment, _ = setup(http)
    refund_id = refund(http, merchant, payment["id"], "400.00")
    # payment.refunded is still waiting in the outbox when refund.failed is handled.
    route_events()
    late = OutboxMessage.objects.get(
        topic="event.earnings", payload__event_id=refunded_event(refund_id).id, status=OutboxMessage.Status.PENDING
    )
    run_event(refund_failed(refund_id))
    assert commission(http, reseller, payment["id"])["amount"] == "100.00"
    run_event(late.payload["event_id"])
    drive_outbox()
    after = commission(http, reseller, payment["id"])
    assert (after["amount"], after["clawed_back"], after["refunded_sale_amount"]) == ("100.00", "0.00", "0.00")
    assert "commission.reduced" not in actions(http, reseller)
    # A later refund of the same payment still claws back its own share.
    refund(http, merchant, payment["id"], "100.00")
    drive_outbox()
    assert commission(http, reseller, payment["id"])["amount"] == "90.00"


def test_returns_and_immediate_refusals_change_nothing(http):
    reseller, merchant, payment, _ = setup(http)
    refund_id = refund(http, merchant, payment["id"], "300.00")
    drive_outbox()
    refund_failed(refund_id, kind="return")
    refund_failed(refund_id, reversed_=False)
    drive_outbox()
    unchanged = commission(http, reseller, payment["id"])
    assert (unchanged["amount"], unchanged["refunded_sale_amount"]) == ("70.00", "300.00")
    assert "commission.restored" not in actions(http, reseller)
