"""Registered transaction sources: signed ingestion per Standard Webhooks (issue #14)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from standardwebhooks.webhooks import Webhook

from adapters.django_orm.ingest.models import IngestedTransaction, SourceMessageReceipt
from adapters.django_orm.platform.models import OutboxMessage
from tests.helpers import admin_token, assert_problem, bearer, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_ingest(settings) -> None:
    settings.INGEST_ALLOW_UNSIGNED = False
    settings.TRANSACTION_PROCESSING_DELAY_SECONDS = 0


@pytest.fixture
def admin(http) -> dict[str, str]:
    return bearer(admin_token(http))


@pytest.fixture
def source(http, admin) -> dict[str, str]:
    response = post(http, "/api/v1/admin/transaction-sources", {"name": "Acme processor"}, **admin)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    return body


def _body(transaction_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "transaction_id": transaction_id or f"txn_{uuid.uuid4().hex[:12]}",
            "source_account": "acc_user_789",
            "destination_account": "acc_merchant_456",
            "amount": "1500.00",
            "currency": "INR",
        }
    ).encode()


def _signed(secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """Signed with the official standardwebhooks library, as a real sender would."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    stamp = int(time.time()) if timestamp is None else timestamp
    from datetime import UTC, datetime

    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(stamp, tz=UTC), body.decode())
    return {"webhook-id": msg_id, "webhook-timestamp": str(stamp), "webhook-signature": signature}


def _send(http, path: str, body: bytes, headers: dict[str, str]):
    return http.post(path, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_a_signed_message_is_stored_once_and_readable_by_its_source(http, source, prefix) -> None:
    body = _body()
    path = f"{prefix}/webhooks/transactions/{source['id']}"
    response = _send(http, path, body, _signed(source["secret"], body))
    assert response.status_code == 202, response.content
    transaction_id = json.loads(body)["transaction_id"]
    assert IngestedTransaction.objects.get(transaction_id=transaction_id).source_id == source["id"]
    # The source reads its own transaction with its secret; without credentials it is 401.
    read = http.get(f"/api/v1/transactions/{transaction_id}", headers=bearer(source["secret"]))
    assert read.status_code == 200
    assert read.json()["transaction_id"] == transaction_id
    assert_problem(http.get(f"/v1/transactions/{transaction_id}"), 401, "unauthenticated")


def test_a_replayed_webhook_id_stores_nothing_new(http, source) -> None:
    body = _body()
    headers = _signed(source["secret"], body)
    path = f"/v1/webhooks/transactions/{source['id']}"
    assert _send(http, path, body, headers).status_code == 202
    messages = OutboxMessage.objects.count()
    again = _send(http, path, body, headers)
    assert again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert IngestedTransaction.objects.count() == 1
    assert SourceMessageReceipt.objects.count() == 1
    assert OutboxMessage.objects.count() == messages


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ("missing", "signature_invalid"),
        ("wrong_secret", "signature_invalid"),
        ("body_changed", "signature_invalid"),
        ("stale", "signature_expired"),
        ("future", "signature_expired"),
        ("unknown_source", "signature_invalid"),
    ],
)
def test_refused_signatures_are_401_and_store_nothing(http, source, tamper, code) -> None:
    body = _body()
    source_id = source["id"]
    headers = _signed(source["secret"], body)
    if tamper == "missing":
        headers = {}
    elif tamper == "wrong_secret":
        headers = _signed("whsec_" + "QUJD" * 8, body)
    elif tamper == "body_changed":
        body = body.replace(b"1500.00", b"9500.00")
    elif tamper == "stale":
        headers = _signed(source["secret"], body, timestamp=int(time.time()) - 301)
    elif tamper == "future":
        # Well past the 300 s tolerance: int() drops up to a second and a loaded machine adds more before
        # the server reads its clock, so +301 could land inside the window.
        headers = _signed(source["secret"], body, timestamp=int(time.time()) + 330)
    elif tamper == "unknown_source":
        source_id = "src_" + uuid.uuid4().hex
    response = _send(http, f"/v1/webhooks/transactions/{source_id}", body, headers)
    assert_problem(response, 401, code)
    assert IngestedTransaction.objects.count() == 0
    assert SourceMessageReceipt.objects.count() == 0


def test_invalid_body_from_a_signed_source_is_422_and_stores_nothing(http, source) -> None:
    body = json.dumps({"transaction_id": "t1", "amount": "-1"}).encode()
    response = _send(http, f"/v1/webhooks/transactions/{source['id']}", body, _signed(source["secret"], body))
    assert_problem(response, 422, "validation_error")
    assert IngestedTransaction.objects.count() == 0


def test_unsigned_seed_path_is_401_unless_allowed(http, settings) -> None:
    body = _body()
    assert_problem(_send(http, "/v1/webhooks/transactions", body, {}), 401, "signature_invalid")
    assert IngestedTransaction.objects.count() == 0
    settings.INGEST_ALLOW_UNSIGNED = True
    assert _send(http, "/v1/webhooks/transactions", body, {}).status_code == 202
    transaction_id = json.loads(body)["transaction_id"]
    assert http.get(f"/v1/transactions/{transaction_id}").status_code == 200  # open reads in the demo only


def test_rotation_keeps_the_old_secret_for_a_grace_period_and_disable_refuses(http, admin, source) -> None:
    rotated = post(http, f"/api/v1/admin/transaction-sources/{source['id']}/rotate-secret", {}, **admin)
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != source["secret"]
    assert rotated.json()["previous_secret_expires_at"]
    for secret in (source["secret"], new_secret):
        body = _body()
        assert _send(http, f"/v1/webhooks/transactions/{source['id']}", body, _signed(secret, body)).status_code == 202
    listed = http.get("/api/v1/admin/transaction-sources", headers=admin).json()
    assert [s["id"] for s in listed] == [source["id"]]
    assert "secret" not in listed[0]
    disabled = post(http, f"/api/v1/admin/transaction-sources/{source['id']}/disable", {}, **admin)
    assert disabled.json()["enabled"] is False
    body = _body()
    response = _send(http, f"/v1/webhooks/transactions/{source['id']}", body, _signed(new_secret, body))
    assert_problem(response, 403, "source_disabled")
    assert IngestedTransaction.objects.count() == 2


def test_source_rate_limit_answers_429_with_retry_after(http, source, settings) -> None:
    settings.INGEST_SOURCE_RATE = "3/minute"
    path = f"/v1/webhooks/transactions/{source['id']}"
    for _ in range(3):
        body = _body()
        assert _send(http, path, body, _signed(source["secret"], body)).status_code == 202
    body = _body()
    response = _send(http, path, body, _signed(source["secret"], body))
    assert_problem(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    assert IngestedTransaction.objects.count() == 3
    # Forged traffic never spends the real source's budget (signatures are checked first).
    forged = _send(http, path, body, _signed("whsec_" + "QUJD" * 8, body))
    assert_problem(forged, 401, "signature_invalid")


def test_other_readers_get_401_or_404(http, source, admin) -> None:
    body = _body()
    _send(http, f"/v1/webhooks/transactions/{source['id']}", body, _signed(source["secret"], body))
    transaction_id = json.loads(body)["transaction_id"]
    assert http.get(f"/api/v1/transactions/{transaction_id}", headers=admin).status_code == 200
    other = post(http, "/api/v1/admin/transaction-sources", {"name": "Other"}, **admin).json()
    assert_problem(
        http.get(f"/api/v1/transactions/{transaction_id}", headers=bearer(other["secret"])), 404, "not_found"
    )


def test_only_admins_manage_sources(http) -> None:
    assert_problem(post(http, "/api/v1/admin/transaction-sources", {"name": "x"}), 401, "unauthenticated")
