"""The back office lists every earnings table (tiers editable, the rest read-only)."""

from __future__ import annotations

import pytest

from tests.e2e.earnings.conftest import admin_headers, approve_all, approved_reseller, drive_outbox, referred_merchant
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import post

pytestmark = pytest.mark.django_db

MODELS = [
    "tierrecord",
    "resellerrecord",
    "attributionrecord",
    "commissionrecord",
    "invoicerecord",
    "payoutrecord",
    "leadrecord",
    "activityrecord",
]


def test_admin_changelists_and_change_pages_render(http, admin_client):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    pay_card(http, merchant, create_order(http, merchant, amount="10000.00")["id"])
    drive_outbox()
    approve_all(http, admin)
    from django.utils import timezone

    invoice = post(
        http, "/api/v1/reseller-invoices", {"period": timezone.now().strftime("%Y-%m")}, **reseller["headers"]
    )
    assert invoice.status_code == 201
    for model in MODELS:
        listing = admin_client.get(f"/admin/earnings/{model}/")
        assert listing.status_code == 200, model
    change = admin_client.get(f"/admin/earnings/invoicerecord/{invoice.json()['id']}/change/")
    assert change.status_code == 200
    assert admin_client.get("/admin/earnings/tierrecord/add/").status_code == 200
