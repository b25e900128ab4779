"""SSLCommerz (seed 001's gateway) against the local fake provider: a hosted checkout holds the stock until news."""

from __future__ import annotations

import pytest

from tests.e2e.marketplace.conftest import drain, order, variant_state
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

try:  # the fake SSLCommerz/Cashfree server of the gateways tests
    from tests.e2e.gateways.conftest import providers
except ImportError:  # pragma: no cover - gateways tests not present
    providers = None


@pytest.mark.skipif(providers is None, reason="no fake providers")
def test_sslcommerz_order_answers_a_redirect_and_holds_the_stock_until_the_payment_settles(
    http, providers, vendor, customer, variant
):
    from application.payments.ports import GatewayResult
    from entrypoints.bootstrap import container

    response = order(http, customer, variant["id"], quantity=2, method="sslcommerz")
    assert response.status_code == 201, response.content
    placed = response.json()
    assert placed["payment"]["method"] == "sslcommerz"
    assert placed["payment"]["status"] == "pending"
    assert placed["payment"]["redirect_url"].startswith("https://")
    assert placed["order"]["status"] == "created"
    assert placed["reservation"]["status"] == "active"
    assert variant_state(http, vendor, variant)["reserved"] == 2

    # What the IPN + validation API end in (tests/e2e/gateways covers the protocol itself).
    container().payments.payment_settle(payment_id=placed["payment"]["id"], result=GatewayResult(status="captured"))
    drain()
    current = http.get(f"/api/v1/marketplace/orders/{placed['order']['id']}", headers=customer["headers"]).json()
    assert (current["status"], current["reservation"]["status"]) == ("processing", "consumed")
    assert current["invoice"]["number"].startswith("MKT-")
    state = variant_state(http, vendor, variant)
    assert (state["available"], state["reserved"], state["sold"]) == (3, 0, 2)


def test_sslcommerz_is_the_default_method_and_an_unconfigured_gateway_is_422_without_moving_stock(
    http, vendor, customer, variant
):
    from entrypoints.bootstrap import container

    payments = container().payments  # wires every gateway that is configured
    payments.gateways = {method: gateway for method, gateway in payments.gateways.items() if method != "sslcommerz"}
    from tests.helpers import post

    response = post(
        http, "/api/v1/marketplace/orders", {"variant_id": variant["id"], "quantity": 1}, **customer["headers"]
    )
    body = assert_problem(response, 422, "payment_method_unavailable")
    assert "sslcommerz" not in body["available_methods"]
    assert variant_state(http, vendor, variant)["available"] == 5
