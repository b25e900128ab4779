"""Deliveries end to end: a real HTTP receiver on 127.0.0.1, signatures checked with `standardwebhooks`.

Retries run on the schedule "0,0,0" (three retries, no waiting) and the outbox is drained inline,
as the sweeper would; time is moved with a clock installed in the container where a test needs days.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from adapters.django_orm.notifications.models import WebhookAttempt, WebhookDelivery
from adapters.django_orm.platform.models import EventRecord, OutboxMessage
from entrypoints import bootstrap
from tests.e2e.notifications.conftest import auth, create_endpoint, drain, fan_out, publish
from tests.helpers import assert_problem, patch, post, register

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhook-endpoints"


def _delivery(http, merchant, endpoint_id: str) -> dict:
    [row] = WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
    response = http.get(f"/api/v1/webhook-deliveries/{row.id}", headers=auth(merchant))
    assert response.status_code == 200, response.content
    return response.json()


def test_500_500_200_is_delivered_on_attempt_3_with_one_webhook_id(http, merchant, receiver):
    receiver.script("/hook", 500, 500, 200)
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"), ["payment.*"])
    event_id = publish(merchant["user"]["id"], "payment.captured", {"object": {"id": "pay_1", "amount": "100.50"}})
    drain()

    calls = receiver.to("/hook")
    assert len(calls) == 3
    assert len({c.headers["webhook-id"] for c in calls}) == 1
    assert calls[0].headers["webhook-id"].startswith("msg_")
    assert len({c.body for c in calls}) == 1, "the exact same bytes on every attempt"
    for call in calls:
        payload = Webhook(endpoint["secret"]).verify(call.body, call.headers)
        assert call.headers["content-type"] == "application/json"
        assert call.headers["user-agent"] == "Partnerpay-Webhooks/1"
    assert payload["id"] == event_id
    assert payload["type"] == "payment.captured"
    assert payload["data"] == {"object": {"id": "pay_1", "amount": "100.50"}}
    assert payload["created"].endswith("Z")

    detail = _delivery(http, merchant, endpoint["id"])
    assert detail["status"] == "succeeded"
    assert detail["webhook_id"] == calls[0].headers["webhook-id"]
    assert detail["payload"] == payload
    assert [a["status_code"] for a in detail["attempts"]] == [500, 500, 200]
    assert [a["number"] for a in detail["attempts"]] == [1, 2, 3]
    assert all(a["duration_ms"] >= 0 and a["attempted_at"] for a in detail["attempts"])
    assert detail["delivered_at"] is not None
    assert not OutboxMessage.objects.exclude(status="done").exists()


def test_410_disables_the_endpoint_and_stops_delivery(http, merchant, receiver):
    receiver.script("/gone", 410)
    endpoint = create_endpoint(http, merchant, receiver.url("/gone"))
    publish(merchant["user"]["id"])
    drain()

    assert len(receiver.to("/gone")) == 1
    assert _delivery(http, merchant, endpoint["id"])["status"] == "failed"
    fetched = http.get(f"{ENDPOINTS}/{endpoint['id']}", headers=auth(merchant)).json()
    assert (fetched["enabled"], fetched["disabled_reason"]) == (False, "gone")
    told = http.get("/api/v1/events?type=endpoint.disabled", headers=auth(merchant)).json()["items"]
    assert [e["data"]["object"]["id"] for e in told] == [endpoint["id"]]
    assert told[0]["data"]["reason"] == "gone"

    publish(merchant["user"]["id"])
    drain()
    assert len(receiver.to("/gone")) == 1, "a disabled endpoint gets nothing more"


def test_a_redirect_is_a_failure_and_its_location_is_never_fetched(http, merchant, receiver):
    receiver.script("/hook", (302, {"Location": receiver.url("/internal-admin")}, b""))
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    publish(merchant["user"]["id"])
    drain()

    assert receiver.hits["/internal-admin"] == 0
    detail = _delivery(http, merchant, endpoint["id"])
    assert detail["status"] == "failed"
    assert [a["status_code"] for a in detail["attempts"]] == [302, 302, 302, 302]
    assert detail["last_error"] == "HTTP 302"


def test_after_rotation_both_secrets_sign_and_each_verifies(http, merchant, receiver):
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    rotated = post(http, f"{ENDPOINTS}/{endpoint['id']}/rotate-secret", {}, **auth(merchant)).json()
    publish(merchant["user"]["id"])
    drain()

    [call] = receiver.to("/hook")
    signatures = call.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(s.startswith("v1,") for s in signatures)
    for secret in (endpoint["secret"], rotated["secret"]):
        Webhook(secret).verify(call.body, call.headers)
    for secret, signature in zip((rotated["secret"], endpoint["secret"]), signatures, strict=True):
        Webhook(secret).verify(call.body, {**call.headers, "webhook-signature": signature})


def test_endpoint_failing_for_five_days_is_disabled_and_the_merchant_told(http, merchant, receiver, clock):
    receiver.script("/down", 500)
    failing = create_endpoint(http, merchant, receiver.url("/down"), ["payment.*"])
    watcher = create_endpoint(http, merchant, receiver.url("/watch"), ["endpoint.disabled"])

    publish(merchant["user"]["id"])
    drain()
    assert http.get(f"{ENDPOINTS}/{failing['id']}", headers=auth(merchant)).json()["enabled"] is True

    clock.advance(days=4, hours=23)
    publish(merchant["user"]["id"])
    drain()
    assert http.get(f"{ENDPOINTS}/{failing['id']}", headers=auth(merchant)).json()["enabled"] is True

    clock.advance(hours=1, minutes=1)
    publish(merchant["user"]["id"])
    drain()
    fetched = http.get(f"{ENDPOINTS}/{failing['id']}", headers=auth(merchant)).json()
    assert (fetched["enabled"], fetched["disabled_reason"]) == (False, "failing")

    [event] = EventRecord.objects.filter(type="endpoint.disabled")
    assert event.owner_id == merchant["user"]["id"]
    assert event.data["object"]["id"] == failing["id"]
    assert event.data["reason"] == "failing"
    [told] = receiver.to("/watch")
    assert json.loads(told.body)["type"] == "endpoint.disabled"
    assert all(json.loads(c.body)["type"] != "endpoint.disabled" for c in receiver.to("/down"))
    assert not WebhookDelivery.objects.filter(endpoint_id=failing["id"], event_type="endpoint.disabled").exists()
    assert watcher["id"] != failing["id"]


def test_a_success_resets_the_failing_clock(http, merchant, receiver, clock):
    receiver.script("/flaky", 500, 500, 500, 500, 200, 500)
    endpoint = create_endpoint(http, merchant, receiver.url("/flaky"))
    publish(merchant["user"]["id"])  # four failures
    drain()
    clock.advance(days=3)
    publish(merchant["user"]["id"])  # a success
    drain()
    clock.advance(days=3)
    publish(merchant["user"]["id"])  # failing again, but only since now
    drain()
    assert http.get(f"{ENDPOINTS}/{endpoint['id']}", headers=auth(merchant)).json()["enabled"] is True


def test_a_worker_killed_mid_delivery_loses_nothing_and_delivers_once(http, merchant, receiver, clock):
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    publish(merchant["user"]["id"])
    container = bootstrap.container()
    fan_out()  # the delivery exists; its message is then claimed by a worker that dies before sending
    message = OutboxMessage.objects.get(topic="webhooks.deliver")
    assert container.outbox_store.claim(str(message.id), now=clock.now(), lease=container.outbox_lease) is not None
    assert str(message.id) not in container.outbox_store.due_ids(now=clock.now(), limit=10), "its lease is live"
    assert receiver.requests == []

    clock.advance(seconds=container.outbox_lease.total_seconds() + 1)
    due = container.outbox_store.due_ids(now=clock.now(), limit=10)
    assert str(message.id) in due
    for message_id in due:
        container.process_outbox_message(message_id)

    [call] = receiver.to("/hook")
    Webhook(endpoint["secret"]).verify(call.body, call.headers)
    detail = _delivery(http, merchant, endpoint["id"])
    assert (detail["status"], detail["attempt_count"]) == ("succeeded", 1)
    message.refresh_from_db()
    assert message.status == "done"
    assert drain() == 0
    assert len(receiver.to("/hook")) == 1


def test_manual_retry_sends_again_now_with_the_same_webhook_id(http, merchant, receiver):
    receiver.script("/hook", 500, 500, 500, 500, 200)
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    publish(merchant["user"]["id"])
    drain()
    detail = _delivery(http, merchant, endpoint["id"])
    assert detail["status"] == "failed"

    retried = post(http, f"/api/v1/webhook-deliveries/{detail['webhook_id']}/retry", {}, **auth(merchant))
    assert retried.status_code == 202, retried.content
    assert retried.json()["status"] == "pending"
    drain()

    detail = _delivery(http, merchant, endpoint["id"])
    assert detail["status"] == "succeeded"
    assert [a["trigger"] for a in detail["attempts"]] == ["scheduled"] * 4 + ["manual"]
    assert len({c.headers["webhook-id"] for c in receiver.to("/hook")}) == 1
    assert len(receiver.to("/hook")) == 5


def test_retry_and_replay_refuse_a_disabled_endpoint(http, merchant, receiver):
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    publish(merchant["user"]["id"])
    drain()
    delivery = _delivery(http, merchant, endpoint["id"])
    patch(http, f"{ENDPOINTS}/{endpoint['id']}", {"enabled": False}, **auth(merchant))
    assert_problem(
        post(http, f"/api/v1/webhook-deliveries/{delivery['id']}/retry", {}, **auth(merchant)), 409, "endpoint_disabled"
    )
    replay = {"since": "2020-01-01T00:00:00Z"}
    assert_problem(
        post(http, f"{ENDPOINTS}/{endpoint['id']}/replay", replay, **auth(merchant)), 409, "endpoint_disabled"
    )


def test_pending_deliveries_of_a_disabled_endpoint_end_as_failed(http, merchant, receiver):
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    publish(merchant["user"]["id"])
    fan_out()
    patch(http, f"{ENDPOINTS}/{endpoint['id']}", {"enabled": False}, **auth(merchant))
    drain()
    assert receiver.requests == []
    detail = _delivery(http, merchant, endpoint["id"])
    assert detail["status"] == "failed"
    assert detail["attempts"] == []
    assert "disabled" in detail["last_error"]


def test_replay_resends_failed_deliveries_in_the_window(http, merchant, receiver, clock):
    receiver.script("/hook", 500)
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    start = clock.now()
    publish(merchant["user"]["id"])
    publish(merchant["user"]["id"])
    drain()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}

    receiver.script("/hook", 200)
    path = f"{ENDPOINTS}/{endpoint['id']}/replay"
    window = {"since": (start - timedelta(minutes=1)).isoformat(), "until": (start + timedelta(minutes=1)).isoformat()}
    outside = {"since": (start - timedelta(days=2)).isoformat(), "until": (start - timedelta(days=1)).isoformat()}
    assert post(http, path, outside, **auth(merchant)).json() == {"replayed": 0, "has_more": False}
    replayed = post(http, path, window, **auth(merchant), **{"Idempotency-Key": "replay-1"})
    assert replayed.status_code == 202, replayed.content
    assert replayed.json() == {"replayed": 2, "has_more": False}
    drain()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert post(http, path, window, **auth(merchant)).json()["replayed"] == 0
    backwards = {"since": window["until"], "until": window["since"]}
    assert_problem(post(http, path, backwards, **auth(merchant)), 422, "invalid_window")


def test_deliveries_list_filters_and_pages(http, merchant, receiver):
    receiver.script("/hook", 200)
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    owner = merchant["user"]["id"]
    for event_type in ("payment.captured", "payment.failed", "order.paid"):
        # One at a time: deliveries list newest first, and a routed event's delivery is made a step later.
        publish(owner, event_type)
        drain()
    receiver.script("/hook", 500)
    publish(owner, "payment.refunded")
    drain()
    path = f"{ENDPOINTS}/{endpoint['id']}/deliveries"

    everything = http.get(path, headers=auth(merchant)).json()["items"]
    assert [d["event_type"] for d in everything] == [
        "payment.refunded",
        "order.paid",
        "payment.failed",
        "payment.captured",
    ]
    failed = http.get(f"{path}?status=failed", headers=auth(merchant)).json()["items"]
    assert [d["event_type"] for d in failed] == ["payment.refunded"]
    payments = http.get(f"{path}?event_type=payment.*&status=succeeded", headers=auth(merchant)).json()["items"]
    assert {d["event_type"] for d in payments} == {"payment.captured", "payment.failed"}

    seen, cursor = [], None
    while True:
        query = f"{path}?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = http.get(query, headers=auth(merchant)).json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [d["id"] for d in everything]
    future = http.get(f"{path}?created_after=2999-01-01T00:00:00Z", headers=auth(merchant)).json()["items"]
    assert future == []
    assert_problem(http.get(f"{path}?status=bogus", headers=auth(merchant)), 422, "validation_error")
    assert_problem(http.get(f"{path}?cursor=nonsense", headers=auth(merchant)), 422, "invalid_cursor")


def test_only_the_owners_enabled_subscribed_endpoints_get_an_event(http, merchant, receiver):
    other = register(http, "merchant")
    create_endpoint(http, merchant, receiver.url("/payments"), ["payment.*"])
    create_endpoint(http, merchant, receiver.url("/orders"), ["order.paid"])
    off = create_endpoint(http, merchant, receiver.url("/off"), ["*"])
    patch(http, f"{ENDPOINTS}/{off['id']}", {"enabled": False}, **auth(merchant))
    create_endpoint(http, other, receiver.url("/other"), ["*"])

    publish(merchant["user"]["id"], "payment.captured")
    drain()
    assert {r.path for r in receiver.requests} == {"/payments"}


def test_replaying_the_fan_out_creates_nothing_new(http, merchant, receiver):
    create_endpoint(http, merchant, receiver.url("/hook"))
    event_id = publish(merchant["user"]["id"])
    fan_out = bootstrap.container().subscriptions.handlers()["event.webhooks"]
    payload = {"event_id": event_id, "type": "payment.captured", "owner_id": merchant["user"]["id"]}
    fan_out(payload)
    fan_out(payload)
    drain()
    assert WebhookDelivery.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="webhooks.deliver").count() == 1
    assert len(receiver.requests) == 1


def test_attempt_log_keeps_the_first_kib_of_the_answer_and_network_errors(http, merchant, receiver):
    receiver.script("/big", (200, {}, b"x" * 5000))
    big = create_endpoint(http, merchant, receiver.url("/big"), ["payment.captured"])
    closed = create_endpoint(http, merchant, "http://127.0.0.1:1/nothing-listens", ["payment.captured"])
    publish(merchant["user"]["id"])
    drain()

    [attempt] = _delivery(http, merchant, big["id"])["attempts"]
    assert attempt["response_body"] == "x" * 1024
    failed = _delivery(http, merchant, closed["id"])
    assert failed["status"] == "failed"
    assert all(a["status_code"] is None and "Connect" in a["error"] for a in failed["attempts"])
    assert WebhookAttempt.objects.filter(delivery__endpoint_id=closed["id"]).count() == 4


def test_another_merchants_delivery_is_404(http, merchant, receiver):
    endpoint = create_endpoint(http, merchant, receiver.url("/hook"))
    publish(merchant["user"]["id"])
    drain()
    delivery = _delivery(http, merchant, endpoint["id"])
    intruder = register(http, "merchant")
    for ref in (delivery["id"], delivery["webhook_id"]):
        assert_problem(http.get(f"/api/v1/webhook-deliveries/{ref}", headers=auth(intruder)), 404, "not_found")
        assert_problem(post(http, f"/api/v1/webhook-deliveries/{ref}/retry", {}, **auth(intruder)), 404, "not_found")
    assert_problem(http.get("/api/v1/webhook-deliveries/msg_zz", headers=auth(merchant)), 404, "not_found")
