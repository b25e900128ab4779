from __future__ import annotations

import pytest

from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import admin_token, assert_problem, bearer, post, register

pytestmark = pytest.mark.django_db


def test_create_order_returns_decimal_strings(http, merchant):
    order = create_order(
        http, merchant, amount="100.50", description="Invoice 7", reference="inv-7", metadata={"k": "v"}
    )
    assert order["amount"] == "100.50"
    assert order["amount_refunded"] == "0.00"
    assert order["currency"] == "INR"
    assert order["status"] == "created"
    assert order["metadata"] == {"k": "v"}


def test_currency_defaults_to_inr_and_others_are_supported(http, merchant):
    assert create_order(http, merchant, amount="5")["currency"] == "INR"
    assert create_order(http, merchant, amount="5", currency="bdt")["currency"] == "BDT"
    assert create_order(http, merchant, amount="5.10", currency="USD")["amount"] == "5.10"


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0", "invalid_amount"), ("0.00", "invalid_amount"), ("1.005", "invalid_amount")],
)
def test_bad_amounts_are_422_with_a_code(http, merchant, amount, code):
    assert_problem(post(http, "/api/v1/orders", {"amount": amount}, **merchant["headers"]), 422, code)


@pytest.mark.parametrize("amount", ["-1", "abc", "", "1e5", 100.5, 10])
def test_malformed_amounts_are_validation_errors(http, merchant, amount):
    body = assert_problem(
        post(http, "/api/v1/orders", {"amount": amount}, **merchant["headers"]), 422, "validation_error"
    )
    assert body["errors"][0]["field"] == "amount"


def test_unknown_currency_is_422(http, merchant):
    assert_problem(
        post(http, "/api/v1/orders", {"amount": "1", "currency": "XYZ"}, **merchant["headers"]),
        422,
        "unsupported_currency",
    )


def test_zero_decimal_currency_rejects_decimals(http, merchant):
    assert create_order(http, merchant, amount="500", currency="JPY")["amount"] == "500"
    assert_problem(
        post(http, "/api/v1/orders", {"amount": "1.5", "currency": "JPY"}, **merchant["headers"]), 422, "invalid_amount"
    )


def test_only_merchants_create_orders(http):
    customer = register(http, "customer")
    assert_problem(post(http, "/api/v1/orders", {"amount": "1"}, **bearer(customer["access"])), 403, "forbidden")


def test_another_merchants_order_is_404(http, merchant):
    other = register(http, "merchant")
    order = create_order(http, merchant)
    assert_problem(http.get(f"/api/v1/orders/{order['id']}", headers={"X-API-Key": other["api_key"]}), 404, "not_found")
    assert_problem(
        post(http, f"/api/v1/orders/{order['id']}/cancel", {}, **{"X-API-Key": other["api_key"]}), 404, "not_found"
    )
    assert_problem(http.get("/api/v1/orders/not-a-uuid", headers=merchant["headers"]), 404, "not_found")


def test_list_is_scoped_filtered_and_paginated(http, merchant):
    other = register(http, "merchant")
    mine = [create_order(http, merchant, amount=str(n + 1)) for n in range(3)]
    create_order(http, {"headers": {"X-API-Key": other["api_key"]}})
    post(http, f"/api/v1/orders/{mine[0]['id']}/cancel", {}, **merchant["headers"])
    first = http.get("/api/v1/orders?limit=2", headers=merchant["headers"]).json()
    second = http.get(f"/api/v1/orders?limit=2&cursor={first['next_cursor']}", headers=merchant["headers"]).json()
    ids = [o["id"] for o in first["items"] + second["items"]]
    assert sorted(ids) == sorted(o["id"] for o in mine)
    assert second["next_cursor"] is None
    cancelled = http.get("/api/v1/orders?status=cancelled", headers=merchant["headers"]).json()["items"]
    assert [o["id"] for o in cancelled] == [mine[0]["id"]]


def test_admin_sees_every_order(http, merchant):
    order = create_order(http, merchant)
    token = admin_token(http)
    assert http.get(f"/api/v1/orders/{order['id']}", headers=bearer(token)).status_code == 200


def test_cancel_then_cancel_again_is_409(http, merchant):
    order = create_order(http, merchant)
    response = post(http, f"/api/v1/orders/{order['id']}/cancel", {}, **merchant["headers"])
    assert response.json()["status"] == "cancelled"
    assert_problem(
        post(http, f"/api/v1/orders/{order['id']}/cancel", {}, **merchant["headers"]), 409, "order_not_cancellable"
    )


def test_idempotent_order_creation(http, merchant):
    headers = {**merchant["headers"], "Idempotency-Key": "order-1"}
    first = post(http, "/api/v1/orders", {"amount": "7.00"}, **headers)
    second = post(http, "/api/v1/orders", {"amount": "7.00"}, **headers)
    assert first.json()["id"] == second.json()["id"]
    assert_problem(post(http, "/api/v1/orders", {"amount": "8.00"}, **headers), 422, "idempotency_key_reused")


def test_a_retry_after_a_crash_resumes_the_order_the_first_attempt_created(http, merchant):
    """The first attempt committed its order, then died before storing its response (its claim is
    left in flight, lease expired): the retry takes the key over and answers with that order."""
    from datetime import timedelta

    from django.utils import timezone

    from adapters.django_orm.payments.models import OrderRecord
    from adapters.django_orm.platform.models import IdempotencyRecord

    headers = {**merchant["headers"], "Idempotency-Key": "order-crashed"}
    first = post(http, "/api/v1/orders", {"amount": "7.00"}, **headers).json()
    IdempotencyRecord.objects.filter(key="order-crashed").update(
        response_status=None, response_body=None, completed_at=None, locked_until=timezone.now() - timedelta(seconds=1)
    )
    retry = post(http, "/api/v1/orders", {"amount": "7.00"}, **headers)
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert retry.json() == first
    assert OrderRecord.objects.filter(seller_id=merchant["user"]["id"]).count() == 1


def test_a_key_whose_record_is_gone_still_finds_its_order(http, merchant):
    """Purged after its retention (or released by a failure after the commit): the claim is new again,
    but the order the key names exists, and is the answer; no second order, no error."""
    from adapters.django_orm.payments.models import OrderRecord
    from adapters.django_orm.platform.models import IdempotencyRecord

    headers = {**merchant["headers"], "Idempotency-Key": "order-purged"}
    first = post(http, "/api/v1/orders", {"amount": "7.00"}, **headers).json()
    IdempotencyRecord.objects.filter(key="order-purged").delete()
    again = post(http, "/api/v1/orders", {"amount": "7.00"}, **headers)
    assert again.status_code == 201
    assert again.json() == first
    assert OrderRecord.objects.filter(seller_id=merchant["user"]["id"]).count() == 1


def test_an_unpaid_order_past_expires_at_expires_and_can_no_longer_be_paid(http, merchant):
    from datetime import UTC, datetime, timedelta

    from adapters.django_orm.payments.models import OrderRecord
    from entrypoints.bootstrap import container

    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    created = create_order(http, merchant, expires_at=soon)
    assert created["expires_at"] is not None
    kept = create_order(http, merchant, expires_at=soon)
    OrderRecord.objects.filter(pk__in=[created["id"], kept["id"]]).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    OrderRecord.objects.filter(pk=kept["id"]).update(status="paid")  # paid in time: untouched
    assert container().payments.orders_expire() == 1
    order = http.get(f"/api/v1/orders/{created['id']}", headers=merchant["headers"]).json()
    assert order["status"] == "expired"
    assert http.get(f"/api/v1/orders/{kept['id']}", headers=merchant["headers"]).json()["status"] == "paid"
    refused = pay_card(http, merchant, created["id"])
    assert refused.status_code == 409
    assert container().payments.orders_expire() == 0


def test_expires_at_in_the_past_is_refused(http, merchant):
    from tests.helpers import assert_problem, post

    response = post(
        http,
        "/api/v1/orders",
        {"amount": "10.00", "currency": "INR", "expires_at": "2020-01-01T00:00:00Z"},
        **merchant["headers"],
    )
    assert_problem(response, 422, "invalid_expiry")
