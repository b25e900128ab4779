"""Reservations that expire give their stock back; a payment arriving later is re-reserved or refunded."""

from __future__ import annotations

import pytest

from tests.e2e.marketplace.conftest import PENDING, drain, order, pay_with, session_headers, shift_clock, variant_state
from tests.helpers import register

pytestmark = pytest.mark.django_db

PAST_EXPIRY = 16 * 60


def _state(http, who, order_id):
    return http.get(f"/api/v1/marketplace/orders/{order_id}", headers=who["headers"]).json()


def _payment(http, who, order_id):
    return http.get(f"/api/v1/payments?order_id={order_id}", headers=who["headers"]).json()["items"][0]


def test_an_expired_reservation_returns_its_stock_and_the_order_expires_once_no_payment_can_arrive(
    http, vendor, customer, variant
):
    from application.payments.ports import GatewayResult
    from entrypoints.bootstrap import container

    placed = order(http, customer, variant["id"], quantity=2, **pay_with(PENDING)).json()
    order_id = placed["order"]["id"]
    assert variant_state(http, vendor, variant)["available"] == 3
    assert container().marketplace.reservations_expire() == {"released": 0, "skipped": 0}  # not yet

    shift_clock(PAST_EXPIRY)
    assert container().marketplace.reservations_expire() == {"released": 1, "skipped": 0}
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"]) == (5, 0)
    current = _state(http, customer, order_id)
    assert current["reservation"]["status"] == "released"
    assert current["reservation"]["release_reason"] == "expired"
    # The card payment is still pending at the processor: the order stays payable so a late success is not lost.
    assert current["status"] == "created"
    assert container().marketplace.reservations_expire() == {"released": 0, "skipped": 0}

    container().payments.payment_settle(
        payment_id=placed["payment"]["id"], result=GatewayResult(status="failed", failure_code="expired")
    )
    drain()
    assert _state(http, customer, order_id)["status"] == "expired"
    assert variant_state(http, vendor, variant)["available"] == 5


def test_a_payment_after_expiry_is_re_reserved_when_stock_is_left(http, vendor, customer, variant):
    from entrypoints.bootstrap import container

    placed = order(http, customer, variant["id"], quantity=2, **pay_with(PENDING)).json()
    order_id = placed["order"]["id"]
    shift_clock(PAST_EXPIRY)
    container().marketplace.reservations_expire()
    assert variant_state(http, vendor, variant)["available"] == 5

    assert container().payments.payments_reconcile(all_due_now=True)["settled"] == 1  # the processor approves, late
    drain()
    current = _state(http, customer, order_id)
    assert current["status"] == "processing"
    assert current["reservation"]["status"] == "consumed"
    assert current["reservation"]["late_payment"] == "re_reserved"
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"], state["sold"]) == (3, 0, 2)


def test_a_payment_after_expiry_is_refunded_when_the_stock_was_sold_meanwhile(http, vendor, customer, variant):
    from entrypoints.bootstrap import container

    late = order(http, customer, variant["id"], quantity=5, **pay_with(PENDING)).json()
    order_id = late["order"]["id"]
    assert variant_state(http, vendor, variant)["available"] == 0
    shift_clock(PAST_EXPIRY)
    container().marketplace.reservations_expire()
    rival = session_headers(register(http, "customer"))
    assert order(http, rival, variant["id"], quantity=4).status_code == 201

    container().payments.payments_reconcile(all_due_now=True)
    drain()
    current = _state(http, customer, order_id)
    assert current["status"] == "refunded"
    assert current["amount_refunded"] == current["amount"]
    assert current["reservation"]["status"] == "released"
    assert current["reservation"]["late_payment"] == "refunded"
    payment = _payment(http, customer, order_id)
    assert payment["status"] == "refunded"
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"], state["sold"]) == (1, 0, 4)
    drain()  # replays change nothing
    assert variant_state(http, vendor, variant)["available"] == 1


def test_a_paid_order_is_never_released_by_the_expiry_job(http, vendor, customer, variant):
    from application.payments.ports import GatewayResult
    from entrypoints.bootstrap import container

    placed = order(http, customer, variant["id"], quantity=1, **pay_with(PENDING)).json()
    container().payments.payment_settle(payment_id=placed["payment"]["id"], result=GatewayResult(status="captured"))
    # The captured event has not been handled yet when the reservation runs out.
    shift_clock(PAST_EXPIRY)
    assert container().marketplace.reservations_expire() == {"released": 0, "skipped": 1}
    drain()
    current = _state(http, customer, placed["order"]["id"])
    assert (current["status"], current["reservation"]["status"]) == ("processing", "consumed")
    assert variant_state(http, vendor, variant)["available"] == 4
