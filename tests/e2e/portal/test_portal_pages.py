"""The partner portal through Django's test client: sessions, CSRF, rate limit, every page, every form's errors."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.e2e.earnings.conftest import drive_outbox
from tests.e2e.portal.conftest import portal_login
from tests.helpers import STRONG_PASSWORD, register
from tests.portal_scenario import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(http):
    return build(http)


def merchant_client(data) -> Client:
    client = Client()
    assert portal_login(client, data["merchant_email"], STRONG_PASSWORD).status_code == 302
    return client


def reseller_client(data) -> Client:
    client = Client()
    assert portal_login(client, data["reseller_email"], STRONG_PASSWORD).status_code == 302
    return client


def text(response) -> str:
    return response.content.decode()


# --- login, logout, session, CSRF, rate limit ---------------------------------------------------


def test_login_page_has_labelled_fields_and_a_log_in_button(http):
    response = http.get("/portal/login/")
    assert response.status_code == 200
    body = text(response)
    assert '<label for="id_email">Email</label>' in body
    assert '<label for="id_password">Password</label>' in body
    assert '<button type="submit" class="primary">Log in</button>' in body
    assert "csrfmiddlewaretoken" in body
    assert response["Content-Type"].startswith("text/html")


def test_login_by_role_and_logout(data):
    client = Client()
    response = portal_login(client, data["merchant_email"], STRONG_PASSWORD)
    assert response["Location"] == "/portal/merchant/"
    assert client.get("/portal/")["Location"] == "/portal/merchant/"
    assert client.get("/portal/merchant/").status_code == 200
    # A merchant asking for a reseller page: the role's forbidden page is 403, as in the API.
    assert client.get("/portal/reseller/").status_code == 403
    assert client.post("/portal/logout/").status_code == 302
    after = client.get("/portal/merchant/")
    assert after.status_code == 302
    assert after["Location"].startswith("/portal/login/")
    reseller = Client()
    assert portal_login(reseller, data["reseller_email"], STRONG_PASSWORD)["Location"] == "/portal/reseller/"
    assert reseller.get("/portal/merchant/").status_code == 403


def test_wrong_password_keeps_the_email_and_says_why(data):
    response = portal_login(Client(), data["merchant_email"], "not-the-password")
    assert response.status_code == 401
    body = text(response)
    assert "Email or password is incorrect" in body
    assert "invalid_credentials" in body
    assert f'value="{data["merchant_email"]}"' in body


def test_login_shares_the_api_rate_limit_per_ip(http):
    from tests.helpers import post

    ip = "10.51.0.9"
    for _ in range(3):
        post(http, "/api/v1/auth/token", {"email": "nobody@example.com", "password": "x"}, REMOTE_ADDR=ip)
    for _ in range(2):
        assert portal_login(Client(), "nobody@example.com", "x", ip=ip).status_code == 401
    limited = portal_login(Client(), "nobody@example.com", "x", ip=ip)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "Too many login attempts" in text(limited)


def test_admins_and_customers_are_not_portal_users(http):
    customer = register(http, "customer")
    response = portal_login(Client(), customer["user"]["email"], STRONG_PASSWORD)
    assert response.status_code == 403
    assert "merchants, vendors and resellers" in text(response)


def test_a_stale_csrf_token_goes_to_the_login_page_with_a_message(data):
    client = Client(enforce_csrf_checks=True)
    client.get("/portal/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/portal/login/",
        {"email": data["merchant_email"], "password": STRONG_PASSWORD, "csrfmiddlewaretoken": token},
        REMOTE_ADDR="10.52.0.1",
    )
    assert response.status_code == 302
    # Log in rotated the token: a form rendered before that now carries a stale one.
    response = client.post("/portal/merchant/api-keys/", {"name": "x", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/portal/login/"
    page = client.get("/portal/login/")
    assert "security token was out of date" in text(page)
    # ... and nothing was created.
    merchant = merchant_client(data)
    assert "<td>x</td>" not in text(merchant.get("/portal/merchant/api-keys/"))


def test_an_expired_session_goes_to_the_login_page_with_a_message(data):
    client = merchant_client(data)
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    response = client.get("/portal/merchant/payments/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=%2Fportal%2Fmerchant%2Fpayments%2F"
    assert "session has expired" in text(client.get(response["Location"]))
    logged_in = portal_login(client, data["merchant_email"], STRONG_PASSWORD)
    # After logging in the user lands where they were going; a foreign "next" is ignored.
    assert logged_in["Location"] == "/portal/merchant/"
    again = Client()
    again.get("/portal/login/")
    landed = again.post(
        "/portal/login/",
        {"email": data["merchant_email"], "password": STRONG_PASSWORD, "next": "/portal/merchant/payments/"},
        REMOTE_ADDR="10.52.0.2",
    )
    assert landed["Location"] == "/portal/merchant/payments/"
    evil = Client().post(
        "/portal/login/",
        {"email": data["merchant_email"], "password": STRONG_PASSWORD, "next": "https://evil.example/"},
        REMOTE_ADDR="10.52.0.3",
    )
    assert evil["Location"] == "/portal/merchant/"


def test_unknown_portal_pages_are_html_404(http):
    response = http.get("/portal/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- merchant -----------------------------------------------------------------------------------


def test_merchant_dashboard_shows_the_api_stats(data, http):
    client = merchant_client(data)
    body = text(client.get("/portal/merchant/"))
    api = http.get("/api/v1/merchants/me/stats", headers=data["merchant"]["headers"]).json()
    for name in ("total_orders", "successful_payments", "failed_payments", "successful_refunds", "canceled_orders"):
        assert f'data-stat="{name}">{api[name]}<' in body, name
    assert api["volume"] == [{"currency": "INR", "amount": "21820.50"}]
    assert 'data-volume="INR" data-amount="21820.50">₹21,820.50<' in body
    assert 'data-stat="success_rate">75.0%<' in body
    assert "<svg" in body
    assert 'aria-label="Captured volume per day in INR' in body


def test_orders_payments_and_detail_pages(data):
    client = merchant_client(data)
    orders = text(client.get("/portal/merchant/orders/"))
    assert "₹20,000.00" in orders
    assert data["open_order"]["id"] in orders
    filtered = text(client.get("/portal/merchant/orders/?status=created"))
    assert data["open_order"]["id"] in filtered
    assert "₹20,000.00" not in filtered
    paged = client.get("/portal/merchant/orders/?cursor=not-a-cursor")
    assert paged.status_code in {404, 422} or "cursor" in text(paged)
    order = text(client.get(f"/portal/merchant/orders/{data['payments'][1]['order_id']}/"))
    assert data["payments"][1]["id"] in order
    payments = text(client.get("/portal/merchant/payments/"))
    assert "Card declined" in payments or "card_declined" in payments
    detail = text(client.get(f"/portal/merchant/payments/{data['payments'][0]['id']}/"))
    assert "₹1,300.00 left to refund" in detail


def test_another_merchants_objects_are_404(data, http):
    other = Client()
    stranger = register(http, "merchant")
    assert portal_login(other, stranger["user"]["email"], STRONG_PASSWORD).status_code == 302
    payment_id = data["payments"][0]["id"]
    assert other.get(f"/portal/merchant/payments/{payment_id}/").status_code == 404
    assert other.get(f"/portal/merchant/orders/{data['open_order']['id']}/").status_code == 404
    assert other.get("/portal/merchant/payments/not-a-uuid/").status_code == 404
    refund = other.post(f"/portal/merchant/payments/{payment_id}/refund/", {"amount": "1.00", "confirm": "yes"})
    assert refund.status_code == 404


def test_partial_refund_asks_for_confirmation_and_shows_api_errors(data, http):
    client = merchant_client(data)
    payment = data["payments"][1]
    url = f"/portal/merchant/payments/{payment['id']}/refund/"
    review = client.post(url, {"amount": "150.25", "reason": "damaged"})
    assert review.status_code == 200
    assert "Confirm refund" in text(review)
    assert "₹150.25" in text(review)
    assert (
        http.get(f"/api/v1/payments/{payment['id']}", headers=data["merchant"]["headers"]).json()["amount_refunded"]
        == "0.00"
    )
    done = client.post(url, {"amount": "150.25", "reason": "damaged", "confirm": "yes", "seen_refunded": "0.00"})
    assert done.status_code == 302
    assert (
        http.get(f"/api/v1/payments/{payment['id']}", headers=data["merchant"]["headers"]).json()["amount_refunded"]
        == "150.25"
    )
    # The same confirmation again (a double click) changes nothing.
    twice = client.post(url, {"amount": "150.25", "reason": "damaged", "confirm": "yes", "seen_refunded": "0.00"})
    assert twice.status_code == 409
    # Too much: the API's problem in words, the typed amount kept, nothing refunded.
    too_much = client.post(url, {"amount": "99999.00", "confirm": "yes", "seen_refunded": "150.25"})
    assert too_much.status_code == 422
    body = text(too_much)
    assert "refund_exceeds_captured" in body
    assert 'value="99999.00"' in body
    bad = client.post(url, {"amount": "1.234"})
    assert bad.status_code == 422
    assert 'value="1.234"' in text(bad)
    assert (
        http.get(f"/api/v1/payments/{payment['id']}", headers=data["merchant"]["headers"]).json()["amount_refunded"]
        == "150.25"
    )


def test_webhook_endpoint_secret_is_shown_exactly_once(data):
    client = merchant_client(data)
    bad = client.post("/portal/merchant/webhooks/", {"url": "ftp://nope", "events": "payment.*"})
    assert bad.status_code == 422
    assert 'value="ftp://nope"' in text(bad)
    created = client.post(
        "/portal/merchant/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": "payment.*, order.paid"}
    )
    assert created.status_code == 201
    secrets = re.findall(r"whsec_[A-Za-z0-9+/=_-]+", text(created))
    assert len(secrets) == 1
    detail_url = re.search(r'href="(/portal/merchant/webhooks/[0-9a-f-]{36}/)"', text(created)).group(1)
    # Shown in the creating response only: not on the endpoint's page, not kept in the session.
    assert "whsec_" not in text(client.get(detail_url))
    from django.contrib.sessions.models import Session

    assert not any("whsec_" in str(s.get_decoded()) for s in Session.objects.all())
    rotated = client.post(detail_url + "rotate/")
    new = re.findall(r"whsec_[A-Za-z0-9+/=_-]+", text(rotated))
    assert len(new) == 1
    assert new != secrets
    assert "whsec_" not in text(client.get(detail_url))
    replay = client.post(detail_url + "replay/", {"since": "not a date"})
    assert replay.status_code == 422
    ok = client.post(detail_url + "replay/", {"since": "2026-01-01T00:00"})
    assert ok.status_code == 302


def test_api_keys_are_shown_once_and_revocable(data, http):
    client = merchant_client(data)
    assert client.post("/portal/merchant/api-keys/", {"name": ""}).status_code == 422
    created = client.post("/portal/merchant/api-keys/", {"name": "checkout"})
    assert created.status_code == 201
    keys = re.findall(r'value="(ppk_[A-Za-z0-9_-]+)"', text(created))
    assert len(keys) == 1
    # Shown in that response only: not on the next page, and not kept in the session either.
    assert keys[0] not in text(client.get("/portal/merchant/api-keys/"))
    from django.contrib.sessions.models import Session

    assert not any(keys[0] in str(s.get_decoded()) for s in Session.objects.all())
    assert http.get("/api/v1/merchants/me/stats", headers={"X-API-Key": keys[0]}).status_code == 200
    listed = http.get("/api/v1/merchants/me/api-keys", headers={"X-API-Key": keys[0]}).json()
    key_id = next(k["id"] for k in listed if k["name"] == "checkout")
    assert client.post(f"/portal/merchant/api-keys/{key_id}/revoke/").status_code == 302
    assert http.get("/api/v1/merchants/me/stats", headers={"X-API-Key": keys[0]}).status_code == 401


# --- reseller -----------------------------------------------------------------------------------


def test_reseller_dashboard_shows_the_api_stats(data, http):
    client = reseller_client(data)
    body = text(client.get("/portal/reseller/"))
    api = http.get("/api/v1/resellers/me/stats", headers=data["reseller"]["headers"]).json()
    assert f'data-stat="available" data-amount="{api["balance"]["available"]}"' in body
    assert f'data-stat="tier">{api["tier"]["name"].capitalize()}<' in body
    for status, value in api["commissions_by_status"].items():
        assert f'data-count="{status}">{value["count"]}<' in body
    assert Decimal(api["balance"]["available"]) > 0
    assert "<svg" in body


def test_payout_request_within_the_balance(data, http):
    client = reseller_client(data)
    api = http.get("/api/v1/resellers/me/stats", headers=data["reseller"]["headers"]).json()
    available = Decimal(api["balance"]["available"])
    over = client.post(
        "/portal/reseller/payouts/", {"amount": str(available + 1), "method": "upi", "destination": "asha@okbank"}
    )
    assert over.status_code == 422
    assert "The available balance is" in text(over)
    assert "insufficient_balance" in text(over)
    assert f'value="{available + 1}"' in text(over)
    bad = client.post("/portal/reseller/payouts/", {"amount": "ten", "method": "upi", "destination": "asha@okbank"})
    assert bad.status_code == 422
    small = client.post(
        "/portal/reseller/payouts/", {"amount": "100.00", "method": "upi", "destination": "asha@okbank"}
    )
    assert small.status_code == 422
    assert "A payout is at least" in text(small)
    assert http.get("/api/v1/payouts", headers=data["reseller"]["headers"]).json()["items"] == []
    ok = client.post("/portal/reseller/payouts/", {"amount": "500.00", "method": "upi", "destination": "asha@okbank"})
    assert ok.status_code == 302
    listed = http.get("/api/v1/payouts", headers=data["reseller"]["headers"]).json()["items"]
    assert [p["amount"] for p in listed] == ["500.00"]
    assert "₹500.00" in text(client.get("/portal/reseller/payouts/"))


def test_invoice_issue_and_pdf(data, http):
    from django.utils import timezone

    client = reseller_client(data)
    period = timezone.now().strftime("%Y-%m")
    bad = client.post("/portal/reseller/invoices/", {"period": "2026-13"})
    assert bad.status_code == 422
    assert 'value="2026-13"' in text(bad)
    issued = client.post("/portal/reseller/invoices/", {"period": period})
    assert issued.status_code == 302, text(issued)
    not_yet = client.get("/portal/reseller/invoices/")
    assert "being generated" in text(not_yet)
    drive_outbox()  # the worker renders the PDF
    invoices = http.get("/api/v1/reseller-invoices", headers=data["reseller"]["headers"]).json()["items"]
    assert len(invoices) == 1
    pdf = client.get(f"/portal/reseller/invoices/{invoices[0]['id']}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    again = client.post("/portal/reseller/invoices/", {"period": period})
    assert again.status_code in {409, 422}
    # Another reseller cannot download it.
    other = register(http, "reseller")
    stranger = Client()
    portal_login(stranger, other["user"]["email"], STRONG_PASSWORD)
    assert stranger.get(f"/portal/reseller/invoices/{invoices[0]['id']}/pdf/").status_code == 404


def test_commissions_filter_and_page(data):
    client = reseller_client(data)
    body = text(client.get("/portal/reseller/commissions/?status=approved"))
    assert body.count('<span class="badge approved">') == 3
    assert client.get("/portal/reseller/commissions/?period=2026-99").status_code == 422
    assert "No commissions match" in text(client.get("/portal/reseller/commissions/?period=2001-01"))


def test_leads_move_only_along_legal_transitions(data, http):
    client = reseller_client(data)
    lead_id = data["lead"]["id"]
    page = text(client.get("/portal/reseller/leads/"))
    assert "Kiran Stores" in page
    illegal = client.post(f"/portal/reseller/leads/{lead_id}/move/", {"status": "converted"})
    assert illegal.status_code == 409
    assert "invalid_lead_transition" in text(illegal)
    assert client.post(f"/portal/reseller/leads/{lead_id}/move/", {"status": "contacted"}).status_code == 302
    lead = http.get(f"/api/v1/leads/{lead_id}", headers=data["reseller"]["headers"]).json()
    assert lead["status"] == "contacted"
    created = client.post("/portal/reseller/leads/", {"name": "", "company": "Nameless"})
    assert created.status_code == 422
    assert 'value="Nameless"' in text(created)
    assert client.post("/portal/reseller/leads/", {"name": "Meena"}).status_code == 302


def test_referrals_and_activity(data):
    client = reseller_client(data)
    code = data["reseller"]["reseller"]["referral_code"]
    page = text(client.get("/portal/reseller/referrals/"))
    assert f'value="{code}"' in page
    assert f"/portal/signup/?referral_code={code}" in page
    assert data["merchant"]["user"]["id"][:10] in page
    assert client.get("/portal/reseller/activity/").status_code == 200


def test_signup_with_a_referral_code_attributes_the_merchant(data, http):
    code = data["reseller"]["reseller"]["referral_code"]
    client = Client()
    form = text(client.get(f"/portal/signup/?referral_code={code}"))
    assert f'value="{code}"' in form
    weak = client.post(
        "/portal/signup/",
        {"email": "new-shop@example.com", "password": "short", "role": "merchant", "referral_code": code},
        REMOTE_ADDR="10.53.0.1",
    )
    assert weak.status_code == 422
    assert 'value="new-shop@example.com"' in text(weak)
    done = client.post(
        "/portal/signup/",
        {"email": "new-shop@example.com", "password": STRONG_PASSWORD, "role": "merchant", "referral_code": code},
        REMOTE_ADDR="10.53.0.1",
    )
    assert done.status_code == 201
    first_key = re.findall(r'value="(ppk_[A-Za-z0-9_-]+)"', text(done))
    assert len(first_key) == 1
    assert first_key[0] not in text(client.get("/portal/merchant/api-keys/"))
    assert http.get("/api/v1/auth/me", headers={"X-API-Key": first_key[0]}).json()["referred_by_code"] == code


def test_a_reseller_without_an_application_applies_first(http):
    session = register(http, "reseller")
    client = Client()
    portal_login(client, session["user"]["email"], STRONG_PASSWORD)
    page = client.get("/portal/reseller/")
    assert "Become a reseller" in text(page)
    assert client.post("/portal/reseller/", {"business_name": ""}).status_code == 422
    assert client.post("/portal/reseller/", {"business_name": "New Resells"}).status_code == 302
    assert "Pending" in text(client.get("/portal/reseller/referrals/")) or "pending" in text(
        client.get("/portal/reseller/referrals/")
    )


def test_demo_data_gives_the_portal_real_figures(http):
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("load_demo_data", stdout=first)
    call_command("load_demo_data", stdout=second)
    assert "reseller@partnerpay.local" in second.getvalue()
    assert "(already there; referral code" in second.getvalue()
    reseller = Client()
    assert portal_login(reseller, "reseller@partnerpay.local", "demo-password-123").status_code == 302
    body = text(reseller.get("/portal/reseller/"))
    available = re.search(r'data-stat="available" data-amount="([0-9.]+)"', body)
    assert available is not None
    assert Decimal(available.group(1)) >= Decimal("500.00")  # enough for a first payout
    assert 'data-stat="referrals">1<' in body
    merchant = Client()
    assert portal_login(merchant, "merchant@partnerpay.local", "demo-password-123", ip="10.54.0.1").status_code == 302
    assert 'data-stat="successful_payments">3<' in text(merchant.get("/portal/merchant/"))


def test_one_reviewed_refund_confirmed_twice_is_one_refund(data, http):
    """The review page carries the refund's intent: even a resent confirmation that gets past the
    stale-form check (another tab, a proxy's retry) names the same refund, never a second."""
    import re

    client = merchant_client(data)
    payment = data["payments"][1]
    url = f"/portal/merchant/payments/{payment['id']}/refund/"
    review = text(client.post(url, {"amount": "10.00"}))
    intent = re.search(r'name="intent" value="([0-9a-f]{32})"', review).group(1)
    form = {"amount": "10.00", "confirm": "yes", "seen_refunded": "0.00", "intent": intent}
    assert client.post(url, form).status_code == 302
    resent = client.post(url, {**form, "seen_refunded": "10.00"})
    assert resent.status_code == 302
    refunds = http.get("/api/v1/refunds", {"payment_id": payment["id"]}, headers=data["merchant"]["headers"]).json()
    assert [r["amount"] for r in refunds["items"]] == ["10.00"]
