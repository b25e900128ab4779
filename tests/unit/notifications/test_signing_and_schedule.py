"""Signatures (checked with the `standardwebhooks` library), secrets, schedule, outcome rules, envelope."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from domain.notifications.delivery import Outcome, classify, envelope
from domain.notifications.schedule import RetrySchedule
from domain.shared.errors import InvalidValue
from domain.shared.signing import new_secret, signature_header


def test_secret_is_whsec_and_32_random_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_signature_verifies_with_standardwebhooks_and_only_with_its_secret():
    secret, other = new_secret(), new_secret()
    now = datetime.now(UTC)
    body = b'{"id":"evt_1","type":"payment.captured"}'
    header = signature_header([secret], msg_id="msg_1", timestamp=int(now.timestamp()), body=body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": header}
    assert Webhook(secret).verify(body, headers)["id"] == "evt_1"
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)


def test_two_secrets_give_two_signatures_each_verifying():
    first, second = new_secret(), new_secret()
    ts = int(datetime.now(UTC).timestamp())
    body = b"{}"
    header = signature_header([first, second], msg_id="msg_2", timestamp=ts, body=body)
    assert len(header.split(" ")) == 2
    for secret in (first, second):
        Webhook(secret).verify(body, {"webhook-id": "msg_2", "webhook-timestamp": str(ts), "webhook-signature": header})


def test_schedule_default_parse_and_bounds():
    default = RetrySchedule.default()
    assert default.max_attempts == 8
    assert sum(d.total_seconds() for d in default.delays) / 3600 == pytest.approx(27.6, abs=0.1)
    assert default.delay_after(1) == timedelta(seconds=5)
    assert default.delay_after(8) is None
    assert RetrySchedule.parse("0, 0,0").max_attempts == 4
    assert RetrySchedule.parse("") == default
    for bad in ("5,abc", "-1", "99999999"):
        with pytest.raises(InvalidValue):
            RetrySchedule.parse(bad)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (301, Outcome.RETRY),
        (302, Outcome.RETRY),
        (400, Outcome.RETRY),
        (401, Outcome.RETRY),
        (404, Outcome.RETRY),
        (410, Outcome.GONE),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (None, Outcome.RETRY),
    ],
)
def test_outcome_of_each_answer(status, outcome):
    assert classify(status) is outcome


def test_envelope_is_compact_ascii_json_with_id_type_created_data():
    created = datetime(2026, 1, 15, 10, 30, 0, 123456, tzinfo=UTC)
    body = envelope(event_id="evt_1", event_type="order.paid", created=created, data={"object": {"name": "café"}})
    assert body.isascii()
    assert json.loads(body) == {
        "id": "evt_1",
        "type": "order.paid",
        "created": "2026-01-15T10:30:00.123456Z",
        "data": {"object": {"name": "café"}},
    }
    assert " " not in body
