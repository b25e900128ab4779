"""Money movements in phases, against fakes that speak Cashfree's protocol (docs/gateways.md).

The provider says yes and we die before our commit; the provider accepts a refund and cancels it
later; two refunds race for the same money; the provider hangs while others use the service.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.concurrency import run_concurrently
from tests.e2e.gateways.conftest import (
    cashfree_payment_body,
    create_order,
    order_state,
    pay,
    payment_state,
    post_cashfree,
)
from tests.e2e.gateways.hanging import assert_a_hanging_provider_delays_no_one
from tests.helpers import post, register, run_outbox

REFUNDS = "/api/v1/refunds"


def _captured(http, merchant, amount: str = "100.50") -> dict:
    order = create_order(http, merchant, amount=amount)
    payment = pay(http, merchant, order["id"], "cashfree", customer={"email": "buyer@example.com"})
    post_cashfree(http, cashfree_payment_body(payment["id"], amount=amount))
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    return payment


def _refunds_sent(providers, payment_id: str) -> list:
    return providers.seen("POST", f"/pg/orders/{payment_id}/refunds")


def _refund_webhook(refund_id: str, payment_id: str, amount: str, status: str) -> bytes:
    body = (
        '{"data":{"refund":{"cf_refund_id":77001,"cf_payment_id":1234,"refund_id":"@REFUND@","order_id":"@ORDER@",'
        '"refund_amount":@AMOUNT@,"refund_currency":"INR","entity":"Refund","refund_type":"MERCHANT_INITIATED",'
        '"refund_status":"@STATUS@","status_description":"Refund cancelled by the bank","refund_charge":0,'
        '"refund_splits":[],"metadata":null,"refund_mode":"STANDARD"}},'
        '"event_time":"2022-02-28T13:04:28+05:30","type":"REFUND_STATUS_WEBHOOK"}'
    )
    replaced = body.replace("@REFUND@", refund_id).replace("@ORDER@", payment_id).replace("@AMOUNT@", amount)
    return replaced.replace("@STATUS@", status).encode()


@pytest.mark.django_db
def test_the_process_dies_after_the_providers_yes_and_recovery_makes_it_one_refund(
    http, merchant, providers, settings, monkeypatch
):
    from application.payments import refunds as refund_cases
    from entrypoints.bootstrap import container

    payment = _captured(http, merchant)
    real_apply = refund_cases.refund_apply

    def die(**kwargs):
        raise SystemExit("killed between phase 2 and phase 3")

    monkeypatch.setattr(refund_cases, "refund_apply", die)
    with pytest.raises(SystemExit):
        post(http, REFUNDS, {"payment_id": payment["id"], "amount": "30.00"}, **merchant["headers"])
    monkeypatch.setattr(refund_cases, "refund_apply", real_apply)
    # Cashfree took it; our intent is recorded with the amount reserved, nothing counted yet.
    (first,) = _refunds_sent(providers, payment["id"])
    state = payment_state(http, merchant, payment["id"])
    assert (state["amount_refunded"], state["amount_refund_pending"]) == ("0.00", "30.00")

    settings.PAYMENT_RECOVER_AFTER_SECONDS = 0
    assert container().payments.refunds_recover()["applied"] == 1
    sent = _refunds_sent(providers, payment["id"])
    # Sent again with the same refund_id and x-idempotency-key: Cashfree answers with the one refund.
    assert {r.json()["refund_id"] for r in sent} == {first.json()["refund_id"]}
    assert {r.headers["x-idempotency-key"] for r in sent} == {first.json()["refund_id"]}
    refunds = http.get(REFUNDS, {"payment_id": payment["id"]}, headers=merchant["headers"]).json()["items"]
    assert [(r["id"], r["amount"], r["status"]) for r in refunds] == [(first.json()["refund_id"], "30.00", "pending")]
    state = payment_state(http, merchant, payment["id"])
    assert (state["amount_refunded"], state["amount_refund_pending"]) == ("30.00", "0.00")
    assert container().payments.refunds_recover()["checked"] == 0


@pytest.mark.django_db
def test_a_refund_the_provider_cancels_after_accepting_it_puts_everything_back(http, merchant, providers):
    from adapters.django_orm.notifications.models import WebhookDelivery
    from adapters.django_orm.platform.models import EventRecord

    payment = _captured(http, merchant)
    endpoint = post(
        http,
        "/api/v1/webhook-endpoints",
        {"url": "https://merchant.example.com/hooks", "events": ["refund.failed", "payment.refunded"]},
        **merchant["headers"],
    )
    assert endpoint.status_code == 201, endpoint.content
    refund = post(http, REFUNDS, {"payment_id": payment["id"], "amount": "40.00"}, **merchant["headers"]).json()
    assert refund["status"] == "pending"
    assert payment_state(http, merchant, payment["id"])["amount_refunded"] == "40.00"
    stats = http.get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert (stats["successful_refunds"], stats["refunded"]) == (1, [{"currency": "INR", "amount": "40.00"}])

    response = post_cashfree(http, _refund_webhook(refund["id"], payment["id"], "40.00", "CANCELLED"))
    assert response.json()["outcome"] == "refund_failed"

    after = http.get(f"{REFUNDS}/{refund['id']}", headers=merchant["headers"]).json()
    assert (after["status"], after["reversed"]) == ("failed", True)
    state = payment_state(http, merchant, payment["id"])
    assert (state["status"], state["amount_refunded"]) == ("captured", "0.00")
    order = order_state(http, merchant, state["order_id"])
    assert (order["status"], order["amount_refunded"]) == ("paid", "0.00")
    stats = http.get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert (stats["successful_refunds"], stats["refunded"]) == (0, [{"currency": "INR", "amount": "0.00"}])
    assert EventRecord.objects.filter(type="refund.failed").count() == 1
    run_outbox()
    delivered = set(WebhookDelivery.objects.values_list("event_type", flat=True))
    assert {"payment.refunded", "refund.failed"} <= delivered
    # The merchant can issue it again: the money is refundable once more.
    again = post(http, REFUNDS, {"payment_id": payment["id"], "amount": "100.50"}, **merchant["headers"])
    assert again.status_code == 201, again.content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refunds_over_the_capture_one_reaches_the_provider(providers):
    session = register(Client(), "merchant")
    merchant = {**session, "headers": {"X-API-Key": session["api_key"]}}
    payment = _captured(Client(), merchant, amount="100.00")
    results = run_concurrently(
        lambda i: post(Client(), REFUNDS, {"payment_id": payment["id"], "amount": "60.00"}, **merchant["headers"]), 2
    )
    assert sorted(r.status_code for r in results) == [201, 422]
    refused = next(r for r in results if r.status_code == 422)
    assert refused.json()["code"] == "refund_exceeds_captured"
    assert len(_refunds_sent(providers, payment["id"])) == 1
    state = payment_state(Client(), merchant, payment["id"])
    assert (state["amount_refunded"], state["amount_refund_pending"]) == ("60.00", "0.00")


@pytest.mark.django_db(transaction=True)
def test_a_hanging_provider_delays_no_one_else(providers, live_server):
    session = register(Client(), "merchant")
    assert_a_hanging_provider_delays_no_one(live_server.url, session["api_key"], providers)
