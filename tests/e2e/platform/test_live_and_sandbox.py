"""Live vs sandbox in-process: livemode on what sandboxes make, and what a live deployment ignores.

``settings.LIVEMODE = True`` stands for a production deployment whose operator named sandbox
components (the sandbox card processor, the sandbox payout gateway): those keep working, say
``livemode: false``, and the money they make earns no commission.
"""

from __future__ import annotations

import pytest

from tests.e2e.earnings.conftest import admin_headers, approved_reseller, drive_outbox, referred_merchant
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import assert_problem, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_sandbox_sleeps(settings) -> None:
    settings.SANDBOX_CARD_DELAYS = False


def _rebuild() -> None:
    from entrypoints import bootstrap

    bootstrap.reset_container()
    bootstrap.container()


def test_the_demo_is_all_sandbox_and_readyz_says_so(http):
    ready = http.get("/readyz").json()
    assert ready["livemode"] is False
    assert ready["sandbox_components"] == ["card", "cashfree", "sslcommerz", "payouts", "sap"]
    from django.contrib import admin

    assert str(admin.site.site_header).endswith("SANDBOX: card, cashfree, sslcommerz, payouts, sap")


def test_the_admin_shows_the_sandbox_banner_and_livemode(http):
    from django.test import Client

    from adapters.django_orm.identity.models import User
    from tests.helpers import admin_token, register

    admin_token(http)
    merchant = register(http, "merchant")
    merchant["headers"] = {"X-API-Key": merchant["api_key"]}
    pay_card(http, merchant, create_order(http, merchant, amount="100.00")["id"])
    staff = Client()
    staff.force_login(User.objects.filter(role="admin").first())
    home = staff.get("/admin/")
    assert home.status_code == 200
    assert "SANDBOX: card, cashfree, sslcommerz, payouts, sap" in home.content.decode()
    sandbox_only = staff.get("/admin/payments/paymentrecord/?livemode__exact=0")
    assert sandbox_only.status_code == 200
    assert "1 payment record" in sandbox_only.content.decode()
    for url in ("/admin/payments/refundrecord/?livemode__exact=1", "/admin/earnings/payoutrecord/?livemode__exact=0"):
        assert staff.get(url).status_code == 200, url


def test_sandbox_card_payments_and_their_refunds_say_livemode_false(http):
    from tests.helpers import register

    merchant = register(http, "merchant")
    merchant["headers"] = {"X-API-Key": merchant["api_key"]}
    payment = pay_card(http, merchant, create_order(http, merchant, amount="100.00")["id"]).json()
    assert (payment["status"], payment["livemode"]) == ("captured", False)
    refund = post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "10.00"}, **merchant["headers"])
    assert refund.status_code == 201, refund.content
    assert refund.json()["livemode"] is False
    listed = http.get("/api/v1/payments", headers=merchant["headers"]).json()["items"]
    assert [p["livemode"] for p in listed] == [False]
    # The published event carries it too (outbound webhooks, commissions, ERP read it there).
    from adapters.django_orm.platform.models import EventRecord

    captured = EventRecord.objects.filter(type="payment.captured").latest("created_at")
    assert captured.data["object"]["livemode"] is False


def test_a_bank_transfer_is_live_money(http):
    admin = admin_headers(http)
    from tests.helpers import register

    merchant = register(http, "merchant")
    merchant["headers"] = {"X-API-Key": merchant["api_key"]}
    order = create_order(http, merchant, amount="100.00")
    body = {"order_id": order["id"], "method": "bank_transfer", "bank_transfer": {"reference": "UTR123"}}
    payment = post(http, "/api/v1/payments", body, **merchant["headers"]).json()
    confirmed = post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **admin).json()
    assert (confirmed["status"], confirmed["livemode"]) == ("captured", True)


def test_a_live_deployment_earns_no_commission_on_sandbox_money(http, settings):
    settings.LIVEMODE = True
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    # The self-payment, as large as the amount limit allows, through the sandbox card processor.
    sandbox = pay_card(http, merchant, create_order(http, merchant, amount="9999999.99")["id"]).json()
    assert (sandbox["status"], sandbox["livemode"]) == ("captured", False)
    drive_outbox()
    assert http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"] == []
    # Real money (a bank transfer an admin confirmed) still earns.
    order = create_order(http, merchant, amount="1000.00")
    body = {"order_id": order["id"], "method": "bank_transfer", "bank_transfer": {"reference": "UTR-LIVE-1"}}
    live = post(http, "/api/v1/payments", body, **merchant["headers"]).json()
    assert post(http, f"/api/v1/payments/{live['id']}/confirm", {}, **admin).json()["livemode"] is True
    drive_outbox()
    [commission] = http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"]
    assert (commission["payment_id"], commission["amount"]) == (live["id"], "100.00")


def test_the_demo_still_earns_on_sandbox_money(http):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    assert pay_card(http, merchant, create_order(http, merchant, amount="1000.00")["id"]).json()["livemode"] is False
    drive_outbox()
    assert len(http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"]) == 1


def test_card_is_refused_when_not_named(http, settings):
    settings.SANDBOX_COMPONENTS = ("payouts",)
    _rebuild()
    from tests.helpers import register

    merchant = register(http, "merchant")
    merchant["headers"] = {"X-API-Key": merchant["api_key"]}
    order = create_order(http, merchant)
    # Refused before the card is even looked at: a bad number is not the problem here.
    response = pay_card(http, merchant, order["id"], number="1234")
    body = assert_problem(response, 422, "payment_method_unavailable")
    assert "card" not in body["available_methods"]
    assert http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "created"
    assert http.get("/readyz").json()["sandbox_components"] == ["payouts"]


def _reseller_with_balance(http, admin):
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    pay_card(http, merchant, create_order(http, merchant, amount="20000.00")["id"])
    drive_outbox()
    page = http.get("/api/v1/commissions?status=pending", headers=admin).json()["items"]
    for item in page:
        assert post(http, f"/api/v1/commissions/{item['id']}/approve", {}, **admin).status_code == 200
    return reseller


def test_without_a_payout_gateway_payouts_are_never_completed(http, settings):
    admin = admin_headers(http)
    reseller = _reseller_with_balance(http, admin)
    settings.SANDBOX_COMPONENTS = ("card",)
    _rebuild()
    body = {"method": "upi", "destination": "ravi@okhdfc", "amount": "1000.00"}
    payout = post(http, "/api/v1/payouts", body, **reseller["headers"]).json()
    assert payout["livemode"] is True  # no sandbox gateway will handle it
    assert_problem(
        post(http, f"/api/v1/payouts/{payout['id']}/approve", {}, **admin), 503, "payout_gateway_unavailable"
    )
    drive_outbox()
    assert http.get(f"/api/v1/payouts/{payout['id']}", headers=admin).json()["status"] == "requested"


def test_a_payout_approved_before_the_gateway_went_away_waits(http, settings):
    admin = admin_headers(http)
    reseller = _reseller_with_balance(http, admin)
    body = {"method": "upi", "destination": "ravi@okhdfc", "amount": "1000.00"}
    payout = post(http, "/api/v1/payouts", body, **reseller["headers"]).json()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False):
        assert post(http, f"/api/v1/payouts/{payout['id']}/approve", {}, **admin).json()["status"] == "approved"
    settings.SANDBOX_COMPONENTS = ("card",)
    _rebuild()
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints.bootstrap import container

    message = OutboxMessage.objects.get(topic="earnings.payout.process")
    assert container().process_outbox_message(str(message.id)).status == "retry"
    assert http.get(f"/api/v1/payouts/{payout['id']}", headers=admin).json()["status"] == "approved"


def test_sandbox_payouts_complete_with_livemode_false(http):
    admin = admin_headers(http)
    reseller = _reseller_with_balance(http, admin)
    body = {"method": "upi", "destination": "ravi@okhdfc", "amount": "1000.00"}
    payout = post(http, "/api/v1/payouts", body, **reseller["headers"]).json()
    assert payout["livemode"] is False
    post(http, f"/api/v1/payouts/{payout['id']}/approve", {}, **admin)
    drive_outbox()
    done = http.get(f"/api/v1/payouts/{payout['id']}", headers=admin).json()
    assert (done["status"], done["livemode"]) == ("completed", False)
