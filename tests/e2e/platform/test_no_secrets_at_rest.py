"""No secrets in the idempotency store (issue #13).

A card payment, an API key, a webhook endpoint and a secret rotation, each sent with an
Idempotency-Key (and replayed once): afterwards no column of any table and no admin page holds
the test PAN, the CVV-bearing card object, the API key or a webhook secret, and the stored request
fingerprints cannot be recomputed from the bodies without the server's key.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from domain.identity.api_key import KEY_PREFIX
from tests.factories.identity import UserFactory
from tests.helpers import assert_problem, bearer, post, register
from tests.scan import dump_admin_pages, dump_every_table

pytestmark = pytest.mark.django_db

PAN = "4242424242424242"
CVV = "737"


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.SANDBOX_CARD_DELAYS = False
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


def _send(http, path: str, body: dict[str, Any], key: str, headers: dict[str, str]) -> tuple[Any, bytes]:
    """Sends the request twice with one Idempotency-Key; the second answer must be the replay."""
    raw = json.dumps(body).encode()
    first = post(http, path, body, **headers, **{"Idempotency-Key": key})
    again = post(http, path, body, **headers, **{"Idempotency-Key": key})
    assert first.status_code in {200, 201}, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert (again.status_code, again.content) == (first.status_code, first.content)
    return first, raw


def _unkeyed_digests(path: str, raw: bytes) -> list[str]:
    """What a fingerprint without a key would be: plain SHA-256 of the request, and of the body alone."""
    request = hashlib.sha256(b"POST\0" + path.encode() + b"\0" + raw).hexdigest()
    return [request, hashlib.sha256(raw).hexdigest()]


def test_no_pan_api_key_or_webhook_secret_in_any_table_or_admin_page(http, django_capture_on_commit_callbacks):
    merchant = register(http, "merchant")
    headers = bearer(merchant["access"])
    sent: list[tuple[str, bytes]] = []

    order, raw = _send(http, "/api/v1/orders", {"amount": "100.50", "currency": "INR"}, "order-1", headers)
    sent.append(("/api/v1/orders", raw))
    card = {"number": PAN, "expiry": "12/35", "cvv": CVV, "holder": "Test Holder"}
    payment_body = {"order_id": order.json()["id"], "method": "card", "card": card}
    payment, raw = _send(http, "/api/v1/payments", payment_body, "pay-1", headers)
    assert payment.json()["status"] == "captured"
    sent.append(("/api/v1/payments", raw))

    api_key, raw = _send(http, "/api/v1/merchants/me/api-keys", {"name": "ci"}, "key-1", headers)
    sent.append(("/api/v1/merchants/me/api-keys", raw))
    key = api_key.json()["key"]

    endpoint_body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    endpoint, raw = _send(http, "/api/v1/webhook-endpoints", endpoint_body, "hook-1", headers)
    sent.append(("/api/v1/webhook-endpoints", raw))
    rotate_path = f"/api/v1/webhook-endpoints/{endpoint.json()['id']}/rotate-secret"
    rotated, raw = _send(http, rotate_path, {}, "rotate-1", headers)
    sent.append((rotate_path, raw))
    secrets = [endpoint.json()["secret"], rotated.json()["secret"]]
    assert all(s.startswith("whsec_") for s in secrets)
    assert secrets[0] != secrets[1]

    # The replays above prove the stored responses are still usable; the 422 rules still hold too.
    other_card = {**payment_body, "card": {**card, "number": "4000056655665556"}}
    assert_problem(
        post(http, "/api/v1/payments", other_card, **headers, **{"Idempotency-Key": "pay-1"}),
        422,
        "idempotency_key_reused",
    )

    needles = {
        "PAN": PAN,
        "CVV-bearing card": f'"cvv": "{CVV}"',
        "API key": key,
        # All of the random part: splitting on "_" (token_urlsafe uses it too) could leave a short, common fragment.
        "API key secret part": key.removeprefix(KEY_PREFIX),
        **{f"webhook secret {i}": s for i, s in enumerate(secrets)},
        **{f"webhook secret {i} (base64 part)": s.removeprefix("whsec_") for i, s in enumerate(secrets)},
    }
    for path, raw in sent:
        for n, digest in enumerate(_unkeyed_digests(path, raw)):
            needles[f"unkeyed SHA-256 #{n} of {path}"] = digest

    tables = dump_every_table()
    superuser = UserFactory(superuser=True, email="root@example.com")
    pages, urls = dump_admin_pages(superuser)
    assert "/admin/platform_core/idempotencyrecord/" in urls
    assert any(re.search(r"/admin/platform_core/idempotencyrecord/[^/]+/change/", u) for u in urls)
    assert any("/admin/notifications/webhookendpoint/" in u and "/change/" in u for u in urls)
    # ninja_jwt keeps outstanding refresh tokens in its own table (by its design); the admin must not show them.
    admin_only = {"refresh token": merchant["refresh"]}
    found = [(name, "admin") for name, needle in admin_only.items() if needle in pages]
    found += [
        (name, where)
        for name, needle in needles.items()
        for where, text in (("tables", tables), ("admin", pages))
        if needle in text
    ]
    assert not found, found
