"""Forged gateway webhooks are kept as a short excerpt and a hash, and rate limited (issue #14)."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.e2e.gateways.conftest import inbound_events, post_cashfree
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_a_forged_webhook_stores_an_excerpt_and_hash_not_the_body(http, providers) -> None:
    body = json.dumps({"type": "PAYMENT_SUCCESS_WEBHOOK", "padding": "x" * 900_000}).encode()
    assert_problem(post_cashfree(http, body, secret="forger"), 401, "invalid_signature")
    [event] = inbound_events(source="cashfree")
    assert len(event.body) < 1000
    assert hashlib.sha256(body).hexdigest() in event.body
    assert f"{len(body)} bytes" in event.body


def test_gateway_webhooks_are_rate_limited_per_sender(http, providers, settings) -> None:
    settings.GATEWAY_WEBHOOK_RATE = "3/minute"
    body = b'{"type": "PAYMENT_SUCCESS_WEBHOOK"}'
    for _ in range(3):
        assert post_cashfree(http, body, secret="forger").status_code == 401
    limited = post_cashfree(http, body, secret="forger")
    assert_problem(limited, 429, "rate_limited")
    assert int(limited["Retry-After"]) >= 1
    assert len(inbound_events(source="cashfree")) == 3, "a refused call stores nothing"
