"""A vendor in a real browser: a service with a variant and stock, and a marketplace order to complete."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, shoot
from tests.e2e.marketplace.conftest import new_vendor, order, session_headers
from tests.helpers import STRONG_PASSWORD, admin_token, bearer, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_vendor_portal(page, live_server, http):
    vendor = new_vendor(http, bearer(admin_token(http)))
    base = live_server.url
    log_in(page, base, vendor["user"]["email"], STRONG_PASSWORD)
    assert page.url == f"{base}/portal/vendor/"
    page.get_by_label("Name").fill("Engine repair")
    page.get_by_label("Category").fill("engine")
    page.get_by_role("button", name="Add service").click()
    assert page.get_by_role("heading", name="Engine repair").is_visible()
    page.get_by_label("Name").fill("Premium")
    page.get_by_label("Price").fill("1499.00")
    page.get_by_label("Stock").fill("4")
    page.get_by_role("button", name="Add variant").click()
    page.get_by_label("Units to add or remove for Premium").fill("-9")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Units to add or remove for Premium").fill("2")
    page.get_by_role("button", name="Apply").click()
    assert "6 available now" in page.get_by_role("status").inner_text()
    shoot(page, "vendor-service")

    variant_id = page.locator("[data-available]").get_attribute("data-available")
    customer = session_headers(register(http, "customer"))
    assert order(http, customer, variant_id).status_code == 201
    page.get_by_role("link", name="Orders").click()
    page.get_by_role("button", name="Mark completed").click()
    assert "completed" in page.get_by_role("status").inner_text()
    assert page.locator("tbody .badge.completed").count() == 1
    shoot(page, "vendor-orders")
