"""Marketplace money after payment: vendors (and admins) refund card and SSLCommerz orders, in full or in
part, while the repair is being done or after; a customer calls off an unpaid order and the stock returns."""

from __future__ import annotations

import pytest

from tests.e2e.gateways.conftest import ipn_fields, post_ipn, providers, sslcommerz_sign, validation_answer
from tests.e2e.marketplace.conftest import drain, order, variant_state
from tests.helpers import assert_problem, post, run_outbox

pytestmark = pytest.mark.django_db
__all__ = ["providers"]  # the fake SSLCommerz server of the gateways tests, as a fixture here too


def _paid_by_card(http, customer, variant) -> dict:
    placed = order(http, customer, variant["id"], quantity=1, method="card")
    assert placed.status_code == 201, placed.content
    drain()
    body = placed.json()
    current = http.get(f"/api/v1/marketplace/orders/{body['order']['id']}", headers=customer["headers"]).json()
    assert current["status"] == "processing"
    return body


def _order(http, who, order_id: str) -> dict:
    return http.get(f"/api/v1/marketplace/orders/{order_id}", headers=who["headers"]).json()


def test_vendor_refunds_a_card_order_in_processing_partly_then_fully(http, vendor, customer, variant):
    placed = _paid_by_card(http, customer, variant)
    payment_id, order_id = placed["payment"]["id"], placed["order"]["id"]
    partial = post(http, "/api/v1/refunds", {"payment_id": payment_id, "amount": "500.00"}, **vendor["headers"])
    assert partial.status_code == 201, partial.content
    assert partial.json()["status"] == "succeeded"
    current = _order(http, vendor, order_id)
    assert (current["status"], current["amount_refunded"]) == ("processing", "500.00")  # the work goes on
    rest = post(http, "/api/v1/refunds", {"payment_id": payment_id}, **vendor["headers"])
    assert rest.status_code == 201, rest.content
    assert rest.json()["amount"] == "1000.00"
    current = _order(http, vendor, order_id)
    assert (current["status"], current["amount_refunded"]) == ("cancelled", "1500.00")  # a repair called off
    assert_problem(
        post(http, f"/api/v1/marketplace/orders/{order_id}/complete", **vendor["headers"]), 409, "order_not_completable"
    )


def test_a_completed_repair_is_refunded_by_an_admin(http, admin, vendor, customer, variant):
    placed = _paid_by_card(http, customer, variant)
    order_id = placed["order"]["id"]
    assert post(http, f"/api/v1/marketplace/orders/{order_id}/complete", **vendor["headers"]).status_code == 200
    refund = post(http, "/api/v1/refunds", {"payment_id": placed["payment"]["id"]}, **admin)
    assert refund.status_code == 201, refund.content
    assert _order(http, vendor, order_id)["status"] == "refunded"


def test_customers_cannot_refund_and_other_vendors_see_nothing(http, admin, vendor, customer, variant):
    from tests.e2e.marketplace.conftest import new_vendor

    placed = _paid_by_card(http, customer, variant)
    body = {"payment_id": placed["payment"]["id"], "amount": "1.00"}
    assert post(http, "/api/v1/refunds", body, **customer["headers"]).status_code == 403
    other = new_vendor(http, admin, business_name="Other Garage")
    assert_problem(post(http, "/api/v1/refunds", body, **other["headers"]), 404, "not_found")


def test_sslcommerz_order_refunded_partly_and_fully_after_payment(http, providers, vendor, customer, variant):
    placed = order(http, customer, variant["id"], quantity=1, method="sslcommerz")
    assert placed.status_code == 201, placed.content
    payment_id, order_id = placed.json()["payment"]["id"], placed.json()["order"]["id"]
    fields = ipn_fields(payment_id, amount="1500.00")
    # The variant is priced in INR: SSLCommerz reports it as currency_type + currency_amount.
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(
        fields, currency_type="INR", currency_amount="1500.00"
    )
    assert post_ipn(http, sslcommerz_sign(fields)).status_code == 200
    drain()
    assert _order(http, customer, order_id)["status"] == "processing"

    partial = post(http, "/api/v1/refunds", {"payment_id": payment_id, "amount": "200.00"}, **vendor["headers"])
    assert partial.status_code == 201, partial.content
    assert partial.json()["status"] == "pending"  # SSLCommerz refunds complete later
    full = post(http, "/api/v1/refunds", {"payment_id": payment_id}, **vendor["headers"])
    assert full.status_code == 201, full.content
    sent = [
        r
        for r in providers.seen("GET", "/validator/api/merchantTransIDvalidationAPI.php")
        if "refund_amount" in r.query
    ]
    assert [(r.query["refund_amount"], r.query["refe_id"], r.query["bank_tran_id"]) for r in sent] == [
        ("200.00", partial.json()["id"], fields["bank_tran_id"]),
        ("1300.00", full.json()["id"], fields["bank_tran_id"]),
    ]
    current = _order(http, vendor, order_id)
    assert (current["status"], current["amount_refunded"]) == ("cancelled", "1500.00")


def test_a_customer_cancels_its_unpaid_order_and_the_stock_comes_back(http, providers, vendor, customer, variant):
    placed = order(http, customer, variant["id"], quantity=2, method="sslcommerz")
    assert placed.status_code == 201, placed.content
    order_id = placed.json()["order"]["id"]
    assert variant_state(http, vendor, variant)["reserved"] == 2
    cancelled = post(http, f"/api/v1/marketplace/orders/{order_id}/cancel", **customer["headers"])
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    drain()
    run_outbox("payments.cancel_at_provider")
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"]) == (5, 0)
    assert _order(http, customer, order_id)["reservation"]["status"] == "released"
    # Paid orders cannot be called off by the customer; strangers see nothing.
    paid = _paid_by_card(http, customer, variant)
    assert_problem(
        post(http, f"/api/v1/marketplace/orders/{paid['order']['id']}/cancel", **customer["headers"]),
        409,
        "order_not_cancellable",
    )
