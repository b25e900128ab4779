"""Overselling races, on PostgreSQL (SQLite has no row locks): many buyers, one variant, never oversold."""

from __future__ import annotations

import random
import uuid

import pytest
from django.test import Client

from tests.concurrency import run_concurrently
from tests.e2e.marketplace.conftest import (
    APPROVE,
    PENDING,
    create_service,
    create_variant,
    new_vendor,
    order,
    pay_with,
    session_headers,
    shift_clock,
)
from tests.helpers import admin_token, bearer, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_sandbox_sleeps(settings) -> None:
    settings.SANDBOX_CARD_DELAYS = False


def _variant(stock: int) -> tuple[dict, dict]:
    http = Client()
    vendor = new_vendor(http, bearer(admin_token(http)))
    service = create_service(http, vendor)
    return vendor, create_variant(http, vendor, service["id"], stock=stock, price="10.00")


def _stock(variant_id: str) -> tuple[int, int, int]:
    """(available, held by active reservations, sold) straight from the tables."""
    from django.db.models import Sum

    from adapters.django_orm.catalog.models import ReservationRecord, VariantRecord

    def units(status: str) -> int:
        rows = ReservationRecord.objects.filter(variant_id=variant_id, status=status)
        return int(rows.aggregate(total=Sum("quantity"))["total"] or 0)

    return VariantRecord.objects.get(pk=variant_id).available, units("active"), units("consumed")


def test_fifty_buyers_of_the_last_five_units_five_win_and_forty_five_get_409():
    _, variant = _variant(stock=5)
    buyers = [session_headers(register(Client(), "customer")) for _ in range(50)]
    results = run_concurrently(lambda i: order(Client(), buyers[i], variant["id"], quantity=1), 50)
    statuses = [getattr(r, "status_code", r) for r in results]
    assert statuses.count(201) == 5, statuses
    assert statuses.count(409) == 45, statuses
    assert all(r.json()["code"] == "out_of_stock" for r in results if r.status_code == 409)
    assert all(r.json()["order"]["status"] == "processing" for r in results if r.status_code == 201)
    assert _stock(variant["id"]) == (0, 0, 5)


def test_five_hundred_buyers_of_random_quantities_never_oversell():
    from application.marketplace.orders import OutOfStock, PlaceOrder
    from application.payments.payments import CardData
    from domain.identity.user import Principal, Role
    from entrypoints.bootstrap import container

    _, variant = _variant(stock=100)
    rng = random.Random(9)
    quantities = [rng.randint(1, 5) for _ in range(500)]
    card = CardData(number=APPROVE, expiry="12/35", cvv="123")
    per_worker = 20

    def buyer(worker: int) -> list[int]:
        sold = []
        for quantity in quantities[worker * per_worker : (worker + 1) * per_worker]:
            customer = Principal(user_id=str(uuid.uuid4()), role=Role.CUSTOMER)
            try:
                container().marketplace.marketplace_order_place(
                    principal=customer,
                    command=PlaceOrder(variant_id=variant["id"], quantity=quantity, method="card", card=card),
                )
            except OutOfStock:
                continue
            sold.append(quantity)
        return sold

    results = run_concurrently(buyer, 500 // per_worker)
    assert not [r for r in results if isinstance(r, Exception)], results
    sold = sum(sum(r) for r in results)
    available, held, consumed = _stock(variant["id"])
    assert held == 0
    assert consumed == sold
    assert sold + available == 100
    assert available >= 0
    assert available < 5  # every buyer who could have been served was served


def test_late_payments_racing_new_buyers_after_expiry_are_never_oversold():
    from application.payments.ports import GatewayResult
    from entrypoints.bootstrap import container

    vendor, variant = _variant(stock=3)
    late = [session_headers(register(Client(), "customer")) for _ in range(3)]
    fresh = [session_headers(register(Client(), "customer")) for _ in range(3)]
    pending = [order(Client(), c, variant["id"], **pay_with(PENDING)).json() for c in late]
    assert _stock(variant["id"]) == (0, 3, 0)
    shift_clock(16 * 60)
    assert container().marketplace.reservations_expire()["released"] == 3
    assert _stock(variant["id"]) == (3, 0, 0)

    def race(i: int):
        if i < 3:
            return container().payments.payment_settle(
                payment_id=pending[i]["payment"]["id"], result=GatewayResult(status="captured")
            )
        return order(Client(), fresh[i - 3], variant["id"])

    results = run_concurrently(race, 6)
    assert not [r for r in results if isinstance(r, Exception)], results
    available, held, sold = _stock(variant["id"])
    assert (available, held) == (0, 0)
    assert sold == 3
    outcomes = []
    for placed in pending:
        state = Client().get(f"/api/v1/marketplace/orders/{placed['order']['id']}", headers=vendor["headers"]).json()
        outcomes.append((state["status"], state["reservation"]["late_payment"]))
    new_buyers = sum(getattr(r, "status_code", 0) == 201 for r in results[3:])
    assert outcomes.count(("processing", "re_reserved")) + new_buyers == 3
    assert outcomes.count(("refunded", "refunded")) == 3 - outcomes.count(("processing", "re_reserved"))
