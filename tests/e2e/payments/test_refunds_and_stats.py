from __future__ import annotations

import pytest

from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import admin_token, assert_problem, bearer, post, register

pytestmark = pytest.mark.django_db


def _paid(http, merchant, amount="100.00"):
    order = create_order(http, merchant, amount=amount)
    return order, pay_card(http, merchant, order["id"]).json()


def test_partial_refunds_up_to_captured_then_422(http, merchant):
    order, payment = _paid(http, merchant)
    first = post(
        http,
        "/api/v1/refunds",
        {"payment_id": payment["id"], "amount": "30.00", "reason": "damaged"},
        **merchant["headers"],
    )
    assert first.status_code == 201
    assert first.json()["status"] == "succeeded"
    state = http.get(f"/api/v1/payments/{payment['id']}", headers=merchant["headers"]).json()
    assert (state["status"], state["amount_refunded"]) == ("partially_refunded", "30.00")
    assert (
        http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "partially_refunded"
    )
    assert_problem(
        post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "70.01"}, **merchant["headers"]),
        422,
        "refund_exceeds_captured",
    )
    rest = post(http, "/api/v1/refunds", {"payment_id": payment["id"]}, **merchant["headers"]).json()
    assert rest["amount"] == "70.00"
    assert http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "refunded"
    assert_problem(
        post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "0.01"}, **merchant["headers"]),
        409,
        "payment_not_refundable",
    )


def test_refunding_a_failed_payment_is_409(http, merchant):
    order = create_order(http, merchant)
    failed = pay_card(http, merchant, order["id"], number="4000000000000002").json()
    assert_problem(
        post(http, "/api/v1/refunds", {"payment_id": failed["id"]}, **merchant["headers"]),
        409,
        "payment_not_refundable",
    )


@pytest.mark.parametrize("amount", ["0", "0.00", "1.001"])
def test_bad_refund_amounts_are_422(http, merchant, amount):
    _, payment = _paid(http, merchant)
    response = post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": amount}, **merchant["headers"])
    assert response.status_code == 422


def test_another_merchants_payment_and_refund_are_404(http, merchant):
    other = register(http, "merchant")
    _, payment = _paid(http, merchant)
    refund = post(
        http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "1.00"}, **merchant["headers"]
    ).json()
    other_headers = {"X-API-Key": other["api_key"]}
    assert_problem(post(http, "/api/v1/refunds", {"payment_id": payment["id"]}, **other_headers), 404, "not_found")
    assert_problem(http.get(f"/api/v1/refunds/{refund['id']}", headers=other_headers), 404, "not_found")
    assert http.get("/api/v1/refunds", headers=other_headers).json()["items"] == []
    assert [r["id"] for r in http.get("/api/v1/refunds", headers=merchant["headers"]).json()["items"]] == [refund["id"]]


def test_merchant_stats(http, merchant):
    _paid(http, merchant, amount="10.00")
    _, payment = _paid(http, merchant, amount="5.50")
    failed = create_order(http, merchant)
    pay_card(http, merchant, failed["id"], number="4000000000000002")
    cancelled = create_order(http, merchant)
    post(http, f"/api/v1/orders/{cancelled['id']}/cancel", {}, **merchant["headers"])
    post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "1.50"}, **merchant["headers"])
    stats = http.get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert stats["total_orders"] == 4
    assert stats["successful_payments"] == 2
    assert stats["failed_payments"] == 1
    assert stats["successful_refunds"] == 1
    assert stats["canceled_orders"] == 1
    assert stats["volume"] == [{"currency": "INR", "amount": "15.50"}]
    assert stats["refunded"] == [{"currency": "INR", "amount": "1.50"}]
    assert stats["daily"][0]["orders"] == 4


def test_admin_stats_global_and_per_merchant(http, merchant):
    other = register(http, "merchant")
    _paid(http, merchant, amount="10.00")
    _paid(http, {"headers": {"X-API-Key": other["api_key"]}}, amount="20.00")
    token = admin_token(http)
    overall = http.get("/api/v1/admin/stats", headers=bearer(token)).json()
    assert overall["total_orders"] == 2
    assert overall["volume"] == [{"currency": "INR", "amount": "30.00"}]
    assert overall["merchants"] == 2
    assert overall["admins"] >= 1
    one = http.get(f"/api/v1/admin/stats?merchant_id={merchant['user']['id']}", headers=bearer(token)).json()
    assert one["volume"] == [{"currency": "INR", "amount": "10.00"}]
    assert one["merchants"] is None
    assert_problem(http.get("/api/v1/admin/stats", headers=merchant["headers"]), 403, "forbidden")
