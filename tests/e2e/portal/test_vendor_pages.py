"""Vendor pages: services, variants and stock, and marketplace orders to complete (seed 001)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.e2e.marketplace.conftest import drain, new_vendor, order, session_headers
from tests.e2e.portal.conftest import portal_login
from tests.helpers import STRONG_PASSWORD, admin_token, bearer, post, register

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_vendor_services_stock_and_orders(http):
    admin = bearer(admin_token(http))
    vendor = new_vendor(http)
    client = Client()
    assert portal_login(client, vendor["user"]["email"], STRONG_PASSWORD)["Location"] == "/portal/vendor/"
    assert "waiting for an admin" in text(client.get("/portal/vendor/"))
    refused = client.post("/portal/vendor/", {"name": "Engine repair", "category": "engine"})
    assert refused.status_code == 403
    assert "vendor_inactive" in text(refused)
    assert 'value="Engine repair"' in text(refused)
    assert post(http, f"/api/v1/admin/vendors/{vendor['user']['id']}/activate", **admin).status_code == 200
    created = client.post("/portal/vendor/", {"name": "Engine repair", "category": "engine"})
    assert created.status_code == 302
    service_url = created["Location"]
    service_id = service_url.rstrip("/").rsplit("/", 1)[1]
    bad = client.post(f"{service_url}variants/", {"name": "Premium", "price": "15.999", "stock": "5"})
    assert bad.status_code == 422
    assert 'value="15.999"' in text(bad)
    added = client.post(f"{service_url}variants/", {"name": "Premium", "price": "1500.00", "stock": "3"})
    assert added.status_code == 302
    detail = http.get(f"/api/v1/services/{service_id}", headers=vendor["headers"]).json()
    variant = detail["variants"][0]
    assert (variant["price"], variant["available"]) == ("1500.00", 3)
    too_few = client.post(
        f"/portal/vendor/variants/{variant['id']}/stock/", {"stock_delta": "-10", "service_id": service_id}
    )
    assert too_few.status_code in {409, 422}
    assert (
        client.post(
            f"/portal/vendor/variants/{variant['id']}/stock/", {"stock_delta": "2", "service_id": service_id}
        ).status_code
        == 302
    )
    assert f'data-available="{variant["id"]}">5<' in text(client.get(service_url))
    # A customer buys; the vendor completes the order from the portal.
    customer = session_headers(register(http, "customer"))
    placed = order(http, customer, variant["id"])
    assert placed.status_code == 201, placed.content
    drain()
    order_id = placed.json()["order"]["id"]
    orders = text(client.get("/portal/vendor/orders/"))
    assert "Mark completed" in orders
    assert client.post(f"/portal/vendor/orders/{order_id}/complete/").status_code == 302
    assert http.get(f"/api/v1/marketplace/orders/{order_id}", headers=vendor["headers"]).json()["status"] == "completed"
    # Another vendor sees none of it.
    other = new_vendor(http, admin, business_name="Other Motors")
    stranger = Client()
    portal_login(stranger, other["user"]["email"], STRONG_PASSWORD, ip="10.55.0.1")
    assert stranger.get(service_url).status_code == 404
    assert stranger.post(f"/portal/vendor/orders/{order_id}/complete/").status_code == 404
