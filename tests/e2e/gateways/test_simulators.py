"""The local simulators end to end, as a person would use them with ``make run``.

Our adapters call the simulators over HTTP and the simulators call our webhooks over HTTP; here both
go through ``httpx.WSGITransport`` into this same Django app, so the whole loop runs in-process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.e2e.gateways.conftest import create_order, inbound_events, order_state, pay, payment_state
from tests.helpers import admin_token, bearer, post

pytestmark = pytest.mark.django_db


class InProcessApp:
    """Django as a WSGI app for httpx, safe inside a test transaction: like the test client, it keeps
    Django from closing the (shared, transaction-holding) connection at each request's start and end."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.depth = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if self.depth == 0:
            request_started.disconnect(close_old_connections)
            request_finished.disconnect(close_old_connections)
        self.depth += 1
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            self.depth -= 1
            if self.depth == 0:
                request_started.connect(close_old_connections)
                request_finished.connect(close_old_connections)
        return [body]


@pytest.fixture
def simulators(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from devtools.simulators import cashfree, sslcommerz
    from entrypoints import bootstrap
    from entrypoints.bootstrap import providers

    transport = httpx.WSGITransport(app=InProcessApp())
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.CASHFREE_BASE_URL = "http://testserver/simulators/cashfree"
    settings.SSLCOMMERZ_BASE_URL = "http://testserver/simulators/sslcommerz"
    settings.GATEWAY_SIMULATOR_SYNC_CALLBACKS = True
    monkeypatch.setattr(providers, "HTTP_TRANSPORT", transport)
    monkeypatch.setattr(cashfree, "CALLBACK_TRANSPORT", transport)
    monkeypatch.setattr(sslcommerz, "CALLBACK_TRANSPORT", transport)
    bootstrap.reset_container()
    yield
    bootstrap.reset_container()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_cashfree_checkout_pay_on_the_hosted_page(http, merchant, simulators):
    order = create_order(http, merchant, amount="249.99")
    payment = pay(http, merchant, order["id"], "cashfree")
    assert payment["status"] == "pending"
    assert payment["checkout"]["payment_session_id"].startswith("session_")
    page = http.get(_path(payment["redirect_url"]))
    assert page.status_code == 200
    assert b"249.99 INR" in page.content
    action = re.search(rb'action="([^"]+/pay)"', page.content)
    assert action is not None
    back = http.post(action.group(1).decode())
    assert back.status_code == 302
    assert back["Location"] == f"http://testserver/api/v1/gateways/cashfree/return?order_id={payment['id']}"
    assert b"Payment received" in http.get(_path(back["Location"])).content
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    assert order_state(http, merchant, order["id"])["status"] == "paid"
    [event] = inbound_events(source="cashfree")
    assert (event.event_type, event.signature_valid, event.status) == ("PAYMENT_SUCCESS_WEBHOOK", True, "processed")

    refund = post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "49.99"}, **merchant["headers"])
    assert refund.status_code == 201, refund.content
    assert refund.json()["status"] == "pending"
    from entrypoints.bootstrap import container

    assert container().gateways.gateway_refunds_reconcile()["settled"] == 1
    assert (
        http.get(f"/api/v1/refunds/{refund.json()['id']}", headers=merchant["headers"]).json()["status"] == "succeeded"
    )


def test_cashfree_checkout_fail_and_cancel(http, merchant, simulators):
    from entrypoints.bootstrap import container

    failed = pay(http, merchant, create_order(http, merchant)["id"], "cashfree")
    session = failed["checkout"]["payment_session_id"]
    http.post(f"/simulators/cashfree/checkout/{session}/fail")
    state = payment_state(http, merchant, failed["id"])
    assert (state["status"], [a["failure_code"] for a in state["attempts"]]) == (
        "pending",
        ["cashfree_payment_declined"],
    )

    dropped = pay(http, merchant, create_order(http, merchant)["id"], "cashfree")
    http.post(f"/simulators/cashfree/checkout/{dropped['checkout']['payment_session_id']}/cancel")
    assert payment_state(http, merchant, dropped["id"])["status"] == "pending"
    container().payments.payments_reconcile(all_due_now=True)  # the simulator terminated the order
    assert payment_state(http, merchant, dropped["id"])["status"] == "cancelled"


def test_cashfree_simulator_refuses_wrong_credentials(http, simulators):
    response = http.post(
        "/simulators/cashfree/pg/orders",
        data=b'{"order_amount":1.00}',
        content_type="application/json",
        headers={"x-client-id": "sim_client", "x-client-secret": "wrong", "x-api-version": "2023-08-01"},
    )
    assert response.status_code == 401


def _sslcommerz_pay(http, merchant, action: str, amount: str = "1500.00", currency: str = "BDT") -> tuple[dict, Any]:
    order = create_order(http, merchant, amount=amount, currency=currency)
    payment = pay(http, merchant, order["id"], "sslcommerz")
    assert payment["status"] == "pending"
    page = http.get(_path(payment["redirect_url"]))
    assert page.status_code == 200
    form = re.search(rf'action="([^"]+/{action}\?SESSIONKEY=[^"]+)"'.encode(), page.content)
    assert form is not None
    return payment, http.post(form.group(1).decode())


def test_sslcommerz_pay_sends_a_signed_ipn_that_is_validated(http, merchant, simulators):
    payment, back = _sslcommerz_pay(http, merchant, "pay")
    assert back.status_code == 200
    # The browser is sent on to our success page by an auto-submitting form.
    assert b'action="http://testserver/api/v1/gateways/sslcommerz/return/success"' in back.content
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    [event] = inbound_events(source="sslcommerz")
    assert (event.event_type, event.status, event.outcome) == ("IPN_VALID", "processed", "payment_captured")
    page = http.post(
        "/api/v1/gateways/sslcommerz/return/success",
        data=f"tran_id={payment['id']}",
        content_type="application/x-www-form-urlencoded",
    )
    assert b"Payment received" in page.content

    refund = post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "100.00"}, **merchant["headers"])
    assert refund.status_code == 201, refund.content
    from entrypoints.bootstrap import container

    assert container().gateways.gateway_refunds_reconcile()["settled"] == 1
    assert (
        http.get(f"/api/v1/refunds/{refund.json()['id']}", headers=merchant["headers"]).json()["status"] == "succeeded"
    )


def test_sslcommerz_usd_payment_through_the_simulator(http, merchant, simulators):
    payment, _ = _sslcommerz_pay(http, merchant, "pay", amount="20.00", currency="USD")
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"


def test_sslcommerz_risky_payment_waits_for_an_admin(http, merchant, simulators):
    payment, _ = _sslcommerz_pay(http, merchant, "risky")
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    token = bearer(admin_token(http))
    decided = post(http, f"/api/v1/admin/payments/{payment['id']}/risk-review", {"decision": "approve"}, **token)
    assert decided.json()["status"] == "captured"


@pytest.mark.parametrize(("action", "code"), [("fail", "sslcommerz_failed"), ("cancel", "sslcommerz_cancelled")])
def test_sslcommerz_fail_and_cancel(http, merchant, simulators, action, code):
    payment, back = _sslcommerz_pay(http, merchant, action)
    assert f"/return/{action}".encode() in back.content
    state = payment_state(http, merchant, payment["id"])
    assert (state["status"], [a["failure_code"] for a in state["attempts"]]) == ("pending", [code])


def test_sslcommerz_simulator_answers_failed_for_bad_credentials(http, simulators):
    response = http.post(
        "/simulators/sslcommerz/gwprocess/v4/api.php",
        data="store_id=sim_store&store_passwd=wrong",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.json()["status"] == "FAILED"


def test_sslcommerz_reconciliation_through_the_simulator(http, merchant, simulators, settings):
    from entrypoints.bootstrap import container

    settings.GATEWAY_SIMULATOR_SYNC_CALLBACKS = True
    order = create_order(http, merchant, amount="1500.00", currency="BDT")
    payment = pay(http, merchant, order["id"], "sslcommerz")
    counts = container().payments.payments_reconcile(all_due_now=True)
    assert counts["still_pending"] >= 1
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
