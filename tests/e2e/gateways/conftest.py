"""Cashfree and SSLCommerz end to end: our API against a real local HTTP server speaking their protocols.

Webhook signatures here are computed with hashlib/hmac directly from the providers' documented
rules, never with our own signing code (tests/unit/gateways checks those rules against the
providers' official SDKs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from string import Template
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.e2e.gateways.fake_providers import FakeProviders
from tests.helpers import post, register

CF_CLIENT_ID = "TEST10393719a4e1b2c3"
CF_SECRET = "cfsk_ma_test_4f1d0c2b9a8e7f6d5c4b3a2918273645"
SSL_STORE_ID = "testbox"
SSL_PASSWORD = "qwerty"


@pytest.fixture
def providers(settings: Any) -> Iterator[FakeProviders]:
    from entrypoints import bootstrap

    fake = FakeProviders().start()
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.CASHFREE_BASE_URL = fake.url
    settings.CASHFREE_CLIENT_ID = CF_CLIENT_ID
    settings.CASHFREE_CLIENT_SECRET = CF_SECRET
    settings.SSLCOMMERZ_BASE_URL = fake.url
    settings.SSLCOMMERZ_STORE_ID = SSL_STORE_ID
    settings.SSLCOMMERZ_STORE_PASSWORD = SSL_PASSWORD
    settings.GATEWAY_HTTP_TIMEOUT_SECONDS = 3
    bootstrap.reset_container()
    yield fake
    fake.stop()
    bootstrap.reset_container()


@pytest.fixture
def merchant(http: Client) -> dict[str, Any]:
    session = register(http, "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def create_order(http: Client, merchant: dict[str, Any], amount: str = "100.50", currency: str = "INR") -> dict:
    response = post(http, "/api/v1/orders", {"amount": amount, "currency": currency}, **merchant["headers"])
    assert response.status_code == 201, response.content
    return response.json()


def pay(http: Client, merchant: dict[str, Any], order_id: str, method: str, **extra: Any) -> dict[str, Any]:
    body = {"order_id": order_id, "method": method, **extra}
    response = post(http, "/api/v1/payments", body, **merchant["headers"])
    assert response.status_code == 201, response.content
    return response.json()


def payment_state(http: Client, merchant: dict[str, Any], payment_id: str) -> dict[str, Any]:
    return http.get(f"/api/v1/payments/{payment_id}", headers=merchant["headers"]).json()


def order_state(http: Client, merchant: dict[str, Any], order_id: str) -> dict[str, Any]:
    return http.get(f"/api/v1/orders/{order_id}", headers=merchant["headers"]).json()


# --- Cashfree webhooks --------------------------------------------------------------------------


def cashfree_signature(body: bytes, timestamp: str, secret: str = CF_SECRET) -> str:
    """Cashfree's rule: base64(HMAC-SHA256(secret, timestamp + raw body))."""
    return base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()).decode()


def now_ms() -> str:
    return str(int(time.time() * 1000))


def cashfree_payment_body(
    payment_id: str,
    *,
    kind: str = "PAYMENT_SUCCESS_WEBHOOK",
    amount: str = "100.50",
    currency: str = "INR",
    cf_payment_id: str | None = None,
    status: str = "SUCCESS",
) -> bytes:
    """A webhook body as Cashfree writes it: amounts are JSON numbers ("100.50" stays 100.50 on the wire)."""
    cf_payment_id = cf_payment_id or str(uuid.uuid4().int % 10**10)
    error = (
        ',"error_details":{"error_code":"TRANSACTION_DECLINED","error_description":"issuer bank declined",'
        '"error_reason":"bank_declined","error_source":"customer"}'
        if kind == "PAYMENT_FAILED_WEBHOOK"
        else ""
    )
    template = Template(
        '{"data":{"order":{"order_id":"$payment_id","order_amount":$amount,"order_currency":"$currency",'
        '"order_tags":null},"payment":{"cf_payment_id":$cf,"payment_status":"$status","payment_amount":$amount,'
        '"payment_currency":"$currency","payment_message":"00::Transaction success",'
        '"payment_time":"2023-08-11T18:05:00+05:30","bank_reference":"1234567890","auth_id":null,'
        '"payment_method":{"upi":{"channel":null,"upi_id":"x@ybl"}},"payment_group":"upi"},'
        '"customer_details":{"customer_name":null,"customer_id":"c1","customer_email":"a@b.com",'
        '"customer_phone":"9999999999"},"payment_gateway_details":{"gateway_name":"CASHFREE",'
        '"gateway_order_id":"2149","gateway_payment_id":"$cf","gateway_status_code":null},'
        '"payment_offers":null$error},"event_time":"2023-08-11T18:05:01+05:30","type":"$kind"}'
    )
    return template.substitute(
        payment_id=payment_id, amount=amount, currency=currency, cf=cf_payment_id, status=status, error=error, kind=kind
    ).encode()


def post_cashfree(
    http: Client,
    body: bytes,
    *,
    timestamp: str | None = None,
    secret: str = CF_SECRET,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    timestamp = timestamp or now_ms()
    sent = {
        "x-webhook-timestamp": timestamp,
        "x-webhook-signature": signature if signature is not None else cashfree_signature(body, timestamp, secret),
        "x-webhook-version": "2023-08-01",
        "x-webhook-attempt": "1",
    }
    sent.update(headers or {})
    return http.post("/api/v1/webhooks/cashfree", data=body, content_type="application/json", headers=sent)


# --- SSLCommerz IPNs ----------------------------------------------------------------------------


def sslcommerz_sign(fields: dict[str, str], password: str = SSL_PASSWORD) -> dict[str, str]:
    """SSLCommerz's rule: md5 of the verify_key fields plus store_passwd=md5(password), sorted, k=v&..."""
    signed = dict(fields)
    signed["verify_key"] = ",".join(fields)
    parts = dict(fields)
    parts["store_passwd"] = hashlib.md5(password.encode()).hexdigest()
    text = "&".join(f"{k}={parts[k]}" for k in sorted(parts))
    signed["verify_sign"] = hashlib.md5(text.encode()).hexdigest()
    return signed


def ipn_fields(
    payment_id: str, *, status: str = "VALID", val_id: str = "", amount: str = "1500.00", **extra: str
) -> dict:
    fields = {
        "tran_id": payment_id,
        "val_id": val_id or f"2308{uuid.uuid4().hex[:12]}",
        "amount": amount,
        "card_type": "VISA-Dutch Bangla",
        "store_amount": amount,
        "bank_tran_id": f"2308{uuid.uuid4().hex[:10]}",
        "status": status,
        "tran_date": "2023-08-11 18:05:00",
        "currency": "BDT",
        "card_issuer": "STANDARD CHARTERED BANK",
        "card_brand": "VISA",
        "risk_level": "0",
        "risk_title": "Safe",
        **extra,
    }
    return fields


def validation_answer(fields: dict[str, str], **overrides: str) -> dict[str, Any]:
    """The validation API's answer for an IPN, as SSLCommerz writes it (all strings)."""
    answer = {
        "status": "VALID",
        "tran_date": fields["tran_date"],
        "tran_id": fields["tran_id"],
        "val_id": fields["val_id"],
        "amount": fields["amount"],
        "store_amount": fields["store_amount"],
        "currency": "BDT",
        "bank_tran_id": fields["bank_tran_id"],
        "card_type": fields["card_type"],
        "card_no": "432149XXXXXX0667",
        "card_issuer": fields["card_issuer"],
        "card_brand": fields["card_brand"],
        "card_issuer_country": "Bangladesh",
        "card_issuer_country_code": "BD",
        "currency_type": "BDT",
        "currency_amount": fields["amount"],
        "currency_rate": "1.0000",
        "base_fair": "0.00",
        "value_a": "",
        "risk_level": fields.get("risk_level", "0"),
        "risk_title": fields.get("risk_title", "Safe"),
        "APIConnect": "DONE",
        "validated_on": "2023-08-11 18:05:03",
    }
    answer.update(overrides)
    return answer


def post_ipn(http: Client, fields: dict[str, str]) -> Any:
    return http.post(
        "/api/v1/webhooks/sslcommerz", data=urlencode(fields), content_type="application/x-www-form-urlencoded"
    )


def inbound_events(**filters: Any) -> list[Any]:
    from adapters.django_orm.gateways.models import InboundEventRecord

    return list(InboundEventRecord.objects.filter(**filters).order_by("received_at"))


def outbox_rows(topic: str = "gateways.inbound.process") -> list[Any]:
    from adapters.django_orm.platform.models import OutboxMessage

    return list(OutboxMessage.objects.filter(topic=topic))


def as_json(response: Any) -> dict[str, Any]:
    return json.loads(response.content)
