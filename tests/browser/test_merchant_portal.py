"""A merchant in a real browser: dashboard figures equal the API's stats, refunds, webhook secret once, API keys."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in, shoot
from tests.e2e.payments.conftest import create_order, pay_card
from tests.portal_scenario import build

pytestmark = pytest.mark.django_db(transaction=True)


def test_merchant_portal(page, live_server, http):
    data = build(http)
    base = live_server.url
    log_in(page, base, data["merchant_email"], data["password"])
    assert page.url == f"{base}/portal/merchant/"

    # Dashboard: the same figures as GET /api/v1/merchants/me/stats.
    stats = http.get("/api/v1/merchants/me/stats", headers=data["merchant"]["headers"]).json()
    for name in ("total_orders", "successful_payments", "failed_payments", "successful_refunds", "canceled_orders"):
        assert page.locator(f'[data-stat="{name}"]').inner_text() == str(stats[name]), name
    for volume in stats["volume"]:
        assert page.locator(f'[data-volume="{volume["currency"]}"]').get_attribute("data-amount") == volume["amount"]
    assert page.locator('[data-volume="INR"]').inner_text() == "₹21,820.50"
    assert page.locator("svg.chart rect.bar").count() == 30
    shoot(page, "merchant-dashboard", phone=True)

    page.get_by_role("link", name="Orders").click()
    assert page.get_by_role("heading", name="Orders").is_visible()
    shoot(page, "merchant-orders")

    # A partial refund, reviewed and confirmed; the API's error in words when it is too much.
    payment = data["payments"][1]
    page.goto(f"{base}/portal/merchant/payments/")
    shoot(page, "merchant-payments")
    page.goto(f"{base}/portal/merchant/payments/{payment['id']}/")
    page.get_by_label("Amount").fill("25000.00")
    page.get_by_role("button", name="Review refund…").click()
    page.get_by_role("button", name=re.compile("^Refund ")).click()
    assert page.get_by_role("alert").is_visible()
    assert "refund_exceeds_captured" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Amount").input_value() == "25000.00"
    page.get_by_label("Amount").fill("120.75")
    page.get_by_label("Reason").fill("one item returned")
    page.get_by_role("button", name="Review refund…").click()
    assert page.locator("[data-confirm-amount]").inner_text() == "₹120.75"
    shoot(page, "merchant-refund-confirm")
    page.get_by_role("button", name="Refund ₹120.75").click()
    assert page.locator("[data-refunded]").get_attribute("data-refunded") == "120.75"
    api = http.get(f"/api/v1/payments/{payment['id']}", headers=data["merchant"]["headers"]).json()
    assert api["amount_refunded"] == "120.75"
    shoot(page, "merchant-payment", phone=True)

    # A webhook endpoint: its secret is shown exactly once.
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("URL").fill("http://127.0.0.1:9/hooks")
    page.get_by_label("Events").fill("payment.*, order.paid")
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_role("textbox", name="Signing secret").input_value()
    assert secret.startswith("whsec_")
    shoot(page, "merchant-webhook-secret")
    page.get_by_role("link", name="I have stored it: hide it").click()
    endpoint_url = page.url
    assert page.get_by_role("textbox", name="Signing secret").count() == 0
    assert secret not in page.content()
    page.reload()
    assert secret not in page.content()

    # A payment now: its events are delivered (to a closed port, so they fail) with every attempt listed.
    pay_card(http, data["merchant"], create_order(http, data["merchant"], amount="75.00")["id"])
    page.goto(endpoint_url)
    assert page.locator("tbody tr td .badge").count() >= 1
    shoot(page, "merchant-webhook-deliveries")
    page.locator("tbody tr td a").first.click()
    assert page.get_by_role("heading", name=re.compile("^Delivery of ")).is_visible()
    attempts = page.locator("table tbody tr").count()
    assert attempts >= 1
    page.get_by_role("button", name="Retry now").click()
    assert "sent again" in page.get_by_role("status").inner_text()
    assert page.locator("table tbody tr").count() == attempts + 1
    shoot(page, "merchant-delivery")
    page.goto(f"{base}/portal/merchant/webhooks/")
    assert page.get_by_role("link", name="http://127.0.0.1:9/hooks").is_visible()
    shoot(page, "merchant-webhooks")

    # API keys: shown once, listed with their prefix.
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("checkout server")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_role("textbox", name="New API key").input_value()
    assert key.startswith("ppk_")
    assert http.get("/api/v1/merchants/me/stats", headers={"X-API-Key": key}).status_code == 200
    shoot(page, "merchant-api-keys")
    page.goto(f"{base}/portal/merchant/api-keys/")
    assert page.get_by_role("textbox", name="New API key").count() == 0
    assert key not in page.content()

    # An expired session on submit: back to the login page with a message, nothing created.
    page.context.clear_cookies()
    page.get_by_label("Name").fill("after expiry")
    page.get_by_role("button", name="Create key").click()
    assert "/portal/login/" in page.url
    assert page.get_by_role("status").is_visible()
    shoot(page, "login")
