"""Races that only a real database with row locks can answer (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.concurrency import run_concurrently
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import post, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _merchant() -> dict:
    session = register(Client(), "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def test_two_concurrent_refunds_exceeding_captured_one_succeeds():
    merchant = _merchant()
    order = create_order(Client(), merchant, amount="100.00")
    payment = pay_card(Client(), merchant, order["id"]).json()
    results = run_concurrently(
        lambda i: post(
            Client(), "/api/v1/refunds", {"payment_id": payment["id"], "amount": "60.00"}, **merchant["headers"]
        ),
        2,
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 422]
    state = Client().get(f"/api/v1/payments/{payment['id']}", headers=merchant["headers"]).json()
    assert state["amount_refunded"] == "60.00"


def test_many_concurrent_partial_refunds_never_exceed_captured():
    merchant = _merchant()
    order = create_order(Client(), merchant, amount="10.00")
    payment = pay_card(Client(), merchant, order["id"]).json()
    results = run_concurrently(
        lambda i: post(
            Client(), "/api/v1/refunds", {"payment_id": payment["id"], "amount": "3.00"}, **merchant["headers"]
        ),
        8,
    )
    assert sum(r.status_code == 201 for r in results) == 3
    state = Client().get(f"/api/v1/payments/{payment['id']}", headers=merchant["headers"]).json()
    assert state["amount_refunded"] == "9.00"


def test_two_concurrent_payments_on_one_order_at_most_one_captured():
    from adapters.django_orm.payments.models import PaymentRecord

    merchant = _merchant()
    order = create_order(Client(), merchant)
    results = run_concurrently(lambda i: pay_card(Client(), merchant, order["id"]), 2)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 409]
    assert PaymentRecord.objects.filter(order_id=order["id"], status="captured").count() == 1


def test_twenty_concurrent_creations_with_one_key_create_one_order():
    from adapters.django_orm.payments.models import OrderRecord

    merchant = _merchant()
    headers = {**merchant["headers"], "Idempotency-Key": "same-order"}
    results = run_concurrently(lambda i: post(Client(), "/api/v1/orders", {"amount": "9.99"}, **headers), 20)
    assert {r.status_code for r in results} <= {201, 409}
    assert len({r.json()["id"] for r in results if r.status_code == 201}) == 1
    assert OrderRecord.objects.filter(seller_id=merchant["user"]["id"]).count() == 1


def test_concurrent_stats_increments_are_not_lost():
    merchant = _merchant()
    run_concurrently(lambda i: create_order(Client(), merchant, amount="1.00"), 20)
    stats = Client().get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert stats["total_orders"] == 20
