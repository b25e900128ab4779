"""A merchant and a reseller with real data, built through the HTTP API (the portal only reads it back).

Used by the portal's page tests, the browser tests and scripts/portal_screenshots.py.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.e2e.earnings.conftest import admin_headers, approve_all, approved_reseller, drive_outbox, referred_merchant
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import STRONG_PASSWORD, post


def build(client: Client) -> dict[str, Any]:
    admin = admin_headers(client)
    reseller = approved_reseller(client, admin, business="Asha Referrals")
    merchant = referred_merchant(client, reseller["reseller"]["referral_code"])
    paid = []
    for amount in ("1500.00", "20000.00", "320.50"):
        order = create_order(client, merchant, amount=amount, reference=f"shop-{amount}")
        response = pay_card(client, merchant, order["id"])
        assert response.status_code == 201, response.content
        paid.append(response.json())
    declined = pay_card(
        client, merchant, create_order(client, merchant, amount="250.00")["id"], number="4000000000000002"
    )
    assert declined.json()["status"] == "failed", declined.content
    open_order = create_order(client, merchant, amount="99.99", description="Awaiting payment")
    refund = post(client, "/api/v1/refunds", {"payment_id": paid[0]["id"], "amount": "200.00"}, **merchant["headers"])
    assert refund.status_code == 201, refund.content
    drive_outbox()
    approve_all(client, admin)
    lead = post(client, "/api/v1/leads", {"name": "Kiran Stores", "company": "Kiran"}, **reseller["headers"])
    assert lead.status_code == 201, lead.content
    return {
        "admin": admin,
        "password": STRONG_PASSWORD,
        "reseller": reseller,
        "reseller_email": reseller["session"]["user"]["email"],
        "merchant": merchant,
        "merchant_email": merchant["user"]["email"],
        "payments": paid,
        "declined": declined.json(),
        "open_order": open_order,
        "lead": lead.json(),
    }
