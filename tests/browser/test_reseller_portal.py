"""A reseller in a real browser: dashboard figures equal the API's stats, a payout, an invoice PDF, leads."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in, shoot
from tests.portal_scenario import build

pytestmark = pytest.mark.django_db(transaction=True)


def test_reseller_portal(page, live_server, http):
    data = build(http)
    base = live_server.url
    headers = data["reseller"]["headers"]
    log_in(page, base, data["reseller_email"], data["password"])
    assert page.url == f"{base}/portal/reseller/"

    stats = http.get("/api/v1/resellers/me/stats", headers=headers).json()
    assert page.locator('[data-stat="available"]').get_attribute("data-amount") == stats["balance"]["available"]
    assert page.locator('[data-stat="tier"]').inner_text() == stats["tier"]["name"].capitalize()
    assert page.locator('[data-stat="trailing_sales"]').get_attribute("data-amount") == stats["trailing_sales"]
    for status, value in stats["commissions_by_status"].items():
        assert page.locator(f'[data-count="{status}"]').inner_text() == str(value["count"])
        assert page.locator(f'[data-amount-status="{status}"]').get_attribute("data-amount") == value["amount"]
    assert page.locator("svg.chart rect.bar").count() == len(stats["earnings_by_month"])
    shoot(page, "reseller-dashboard", phone=True)

    page.get_by_role("link", name="Commissions").click()
    page.get_by_label("Status").select_option("approved")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("tbody .badge.approved").count() == 3
    shoot(page, "reseller-commissions")

    # A payout over the balance is refused with the API's words; within it, it is requested.
    page.get_by_role("link", name="Payouts").click()
    page.get_by_label("Amount").fill("999999.00")
    page.get_by_label("Destination").fill("asha@okbank")
    page.get_by_role("button", name="Request payout").click()
    assert "The available balance is" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Amount").input_value() == "999999.00"
    page.get_by_label("Amount").fill("500.00")
    page.get_by_role("button", name="Request payout").click()
    assert "requested" in page.get_by_role("status").inner_text()
    assert [p["amount"] for p in http.get("/api/v1/payouts", headers=headers).json()["items"]] == ["500.00"]
    shoot(page, "reseller-payouts", phone=True)

    # An invoice for this month, and its PDF downloaded.
    page.get_by_role("link", name="Invoices").click()
    page.get_by_label("Period").fill(timezone.now().strftime("%Y-%m"))
    page.get_by_role("button", name="Issue invoice").click()
    assert "issued" in page.get_by_role("status").inner_text()
    page.reload()
    link = page.get_by_role("link", name=r"Download")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("INV-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    shoot(page, "reseller-invoices")

    # Leads: only legal moves are offered; the lead moves on.
    page.get_by_role("link", name="Leads").click()
    move = page.get_by_label("Move to")
    assert sorted(move.locator("option").all_inner_texts()) == ["Contacted", "Lost"]
    move.select_option("contacted")
    page.get_by_role("button", name="Move").click()
    assert "now contacted" in page.get_by_role("status").inner_text()
    page.get_by_label("Name").fill("Meena Traders")
    page.get_by_role("button", name="Add lead").click()
    shoot(page, "reseller-leads", phone=True)

    page.get_by_role("link", name="Referrals").click()
    code = data["reseller"]["reseller"]["referral_code"]
    assert page.get_by_label("Referral code").input_value() == code
    assert page.get_by_label("Sign-up link").input_value().endswith(f"/portal/signup/?referral_code={code}")
    shoot(page, "reseller-referrals")

    page.get_by_role("link", name="Activity").click()
    assert page.locator(".feed li").count() > 0
    shoot(page, "reseller-activity")

    page.get_by_role("button", name="Log out").click()
    assert page.url.endswith("/portal/login/")
