"""Ordering a variant: reservation, payment, fulfilment, invoice; and every way it can go wrong."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.marketplace.conftest import (
    DECLINE,
    PENDING,
    create_service,
    create_variant,
    drain,
    new_vendor,
    order,
    pay_with,
    session_headers,
    variant_state,
)
from tests.helpers import assert_problem, patch, post, register

pytestmark = pytest.mark.django_db


def order_state(http, who: dict[str, Any], order_id: str) -> dict[str, Any]:
    response = http.get(f"/api/v1/marketplace/orders/{order_id}", headers=who["headers"])
    assert response.status_code == 200, response.content
    return response.json()


def test_card_order_reserves_pays_consumes_and_moves_to_processing(http, vendor, customer, variant):
    response = order(http, customer, variant["id"], quantity=2)
    assert response.status_code == 201, response.content
    placed = response.json()
    assert placed["order"]["kind"] == "marketplace"
    assert placed["order"]["seller_id"] == vendor["user"]["id"]
    assert placed["order"]["buyer_id"] == customer["user"]["id"]
    assert placed["order"]["amount"] == "3000.00"
    assert placed["order"]["status"] == "processing"
    assert placed["order"]["expires_at"]
    assert placed["payment"]["status"] == "captured"
    assert placed["payment"]["method"] == "card"
    assert placed["reservation"]["status"] == "consumed"
    assert placed["reservation"]["quantity"] == 2
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"], state["sold"]) == (3, 0, 2)
    public = http.get(f"/api/v1/catalog/services/{variant['service_id']}").json()
    assert public["variants"][0]["available"] == 3


def test_declined_card_gives_the_stock_back_at_once(http, vendor, customer, variant):
    placed = order(http, customer, variant["id"], quantity=3, **pay_with(DECLINE)).json()
    assert placed["payment"]["status"] == "failed"
    assert placed["payment"]["failure_code"] == "card_declined"
    assert placed["order"]["status"] == "failed"
    assert placed["reservation"]["status"] == "released"
    assert placed["reservation"]["release_reason"] == "payment_failed"
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"], state["sold"]) == (5, 0, 0)
    drain()  # the payment.failed event finds the stock already back: nothing moves twice
    assert variant_state(http, vendor, variant)["available"] == 5


def test_out_of_stock_is_409_and_moves_nothing(http, vendor, customer, variant):
    assert order(http, customer, variant["id"], quantity=4).status_code == 201
    assert_problem(order(http, customer, variant["id"], quantity=2), 409, "out_of_stock")
    assert order(http, customer, variant["id"], quantity=1).status_code == 201
    assert_problem(order(http, customer, variant["id"], quantity=1), 409, "out_of_stock")
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["sold"]) == (0, 5)
    mine = http.get("/api/v1/marketplace/orders", headers=customer["headers"]).json()["items"]
    assert len(mine) == 2


@pytest.mark.parametrize("quantity", [0, -1, 1001, 1.5, "two", None])
def test_bad_quantities_are_422(http, customer, variant, quantity):
    response = order(http, customer, variant["id"], quantity=quantity)
    problem = assert_problem(response, 422, "validation_error")
    assert problem["errors"][0]["field"] == "quantity"


def test_bad_payment_input_is_refused_before_any_stock_moves(http, vendor, customer, variant):
    bad_card = {"card": {"number": "4242424242424241", "expiry": "12/35", "cvv": "123"}}
    assert_problem(order(http, customer, variant["id"], **bad_card), 422, "invalid_card_number")
    body = {"variant_id": variant["id"], "quantity": 1, "method": "card"}
    assert_problem(post(http, "/api/v1/marketplace/orders", body, **customer["headers"]), 422, "card_required")
    body["method"] = "bank_transfer"
    assert_problem(post(http, "/api/v1/marketplace/orders", body, **customer["headers"]), 422, "validation_error")
    assert variant_state(http, vendor, variant)["available"] == 5


def test_variants_that_cannot_be_sold_are_404(http, admin, vendor, customer, variant):
    assert_problem(order(http, customer, "8d1b7b53-4c4e-4d1e-9f55-0c4f3c9d2b11"), 404, "not_found")
    assert_problem(order(http, customer, "not-a-uuid"), 404, "not_found")
    patch(http, f"/api/v1/variants/{variant['id']}", {"is_active": False}, **vendor["headers"])
    assert_problem(order(http, customer, variant["id"]), 404, "not_found")
    patch(http, f"/api/v1/variants/{variant['id']}", {"is_active": True}, **vendor["headers"])
    patch(http, f"/api/v1/services/{variant['service_id']}", {"is_active": False}, **vendor["headers"])
    assert_problem(order(http, customer, variant["id"]), 404, "not_found")
    patch(http, f"/api/v1/services/{variant['service_id']}", {"is_active": True}, **vendor["headers"])
    post(http, f"/api/v1/admin/vendors/{vendor['user']['id']}/deactivate", **admin)
    assert_problem(order(http, customer, variant["id"]), 404, "not_found")
    post(http, f"/api/v1/admin/vendors/{vendor['user']['id']}/activate", **admin)
    assert order(http, customer, variant["id"]).status_code == 201


def test_only_customers_order(http, vendor, admin, variant):
    assert_problem(order(http, vendor, variant["id"]), 403, "forbidden")
    assert_problem(order(http, {"headers": admin}, variant["id"]), 403, "forbidden")
    assert_problem(order(http, {"headers": {}}, variant["id"]), 401, "unauthenticated")


def test_idempotency_key_replays_the_order_and_reserves_once(http, vendor, customer, variant):
    key = {"Idempotency-Key": "order-once"}
    first = order(http, customer, variant["id"], quantity=2, headers=key)
    again = order(http, customer, variant["id"], quantity=2, headers=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["order"]["id"] == again.json()["order"]["id"]
    assert variant_state(http, vendor, variant)["available"] == 3
    assert_problem(order(http, customer, variant["id"], quantity=1, headers=key), 422, "idempotency_key_reused")


def test_vendor_completes_a_processing_order_once(http, admin, vendor, customer, variant):
    placed = order(http, customer, variant["id"]).json()
    order_id = placed["order"]["id"]
    assert_problem(
        post(http, f"/api/v1/marketplace/orders/{order_id}/complete", **customer["headers"]), 403, "forbidden"
    )
    other = new_vendor(http, admin, business_name="Other")
    assert_problem(post(http, f"/api/v1/marketplace/orders/{order_id}/complete", **other["headers"]), 404, "not_found")
    done = post(http, f"/api/v1/marketplace/orders/{order_id}/complete", **vendor["headers"])
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    again = post(http, f"/api/v1/marketplace/orders/{order_id}/complete", **vendor["headers"])
    assert_problem(again, 409, "order_not_completable")


def test_completing_an_unpaid_order_is_409(http, vendor, customer, variant):
    failed = order(http, customer, variant["id"], **pay_with(DECLINE)).json()
    response = post(http, f"/api/v1/marketplace/orders/{failed['order']['id']}/complete", **vendor["headers"])
    assert_problem(response, 409, "order_not_completable")
    pending = order(http, customer, variant["id"], **pay_with(PENDING)).json()
    assert pending["order"]["status"] == "created"
    response = post(http, f"/api/v1/marketplace/orders/{pending['order']['id']}/complete", **vendor["headers"])
    assert_problem(response, 409, "order_not_completable")


def test_customers_vendors_and_admins_each_see_their_own_orders(http, admin, vendor, customer, variant):
    other_customer = session_headers(register(http, "customer"))
    other_vendor = new_vendor(http, admin, business_name="Elsewhere")
    other_variant = create_variant(http, other_vendor, create_service(http, other_vendor)["id"])
    mine = order(http, customer, variant["id"]).json()["order"]["id"]
    theirs = order(http, other_customer, other_variant["id"]).json()["order"]["id"]

    def ids(who: dict[str, Any]) -> set[str]:
        return {o["id"] for o in http.get("/api/v1/marketplace/orders", headers=who["headers"]).json()["items"]}

    assert ids(customer) == {mine}
    assert ids(other_customer) == {theirs}
    assert ids(vendor) == {mine}
    assert ids(other_vendor) == {theirs}
    assert {mine, theirs} <= ids({"headers": admin})
    assert order_state(http, vendor, mine)["reservation"]["status"] == "consumed"
    assert_problem(http.get(f"/api/v1/marketplace/orders/{mine}", headers=other_customer["headers"]), 404, "not_found")
    assert_problem(http.get(f"/api/v1/marketplace/orders/{mine}", headers=other_vendor["headers"]), 404, "not_found")
    assert order_state(http, {"headers": admin}, mine)["id"] == mine
    # A merchant order is not a marketplace order.
    merchant = register(http, "merchant")
    plain = post(http, "/api/v1/orders", {"amount": "10.00"}, **{"X-API-Key": merchant["api_key"]}).json()
    assert_problem(http.get(f"/api/v1/marketplace/orders/{plain['id']}", headers=admin), 404, "not_found")


def test_vendor_cancelling_an_unpaid_order_returns_its_stock(http, vendor, customer, variant):
    pending = order(http, customer, variant["id"], quantity=2, **pay_with(PENDING)).json()
    assert pending["reservation"]["status"] == "active"
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"]) == (3, 2)
    cancelled = post(http, f"/api/v1/orders/{pending['order']['id']}/cancel", **vendor["headers"])
    assert cancelled.json()["status"] == "cancelled"
    drain()
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"]) == (5, 0)
    assert order_state(http, customer, pending["order"]["id"])["reservation"]["release_reason"] == "cancelled"
