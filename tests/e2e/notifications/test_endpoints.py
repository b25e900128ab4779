"""Webhook endpoints through HTTP: create (secret once), list, get, change, delete, rotate, ownership."""

from __future__ import annotations

import pytest
from django.utils import timezone

from adapters.django_orm.platform.models import OutboxMessage
from tests.e2e.notifications.conftest import auth, create_endpoint, drain
from tests.helpers import assert_problem, patch, post, register

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhook-endpoints"


def test_create_answers_the_secret_once_and_never_again(http, merchant):
    created = create_endpoint(
        http, merchant, "http://127.0.0.1:9/hook", ["payment.*", "order.paid"], description="main"
    )
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["payment.*", "order.paid"]
    assert created["enabled"] is True
    assert created["description"] == "main"

    fetched = http.get(f"{ENDPOINTS}/{created['id']}", headers=auth(merchant))
    assert fetched.status_code == 200
    assert "secret" not in fetched.json()
    listed = http.get(ENDPOINTS, headers={"X-API-Key": merchant["api_key"]}).json()
    assert [e["id"] for e in listed["items"]] == [created["id"]]
    assert all("secret" not in e for e in listed["items"])
    assert created["secret"] not in http.get(ENDPOINTS, headers=auth(merchant)).content.decode()


def test_star_subsumes_every_other_pattern_and_bad_patterns_are_refused(http, merchant):
    assert create_endpoint(http, merchant, "http://127.0.0.1:9/a", ["payment.captured", "*"])["events"] == ["*"]
    for events in (["Payment.Captured"], ["payment..x"], [""], [], ["**"]):
        response = post(http, ENDPOINTS, {"url": "http://127.0.0.1:9/a", "events": events}, **auth(merchant))
        assert response.status_code == 422, (events, response.content)


def test_create_is_idempotent_with_a_key(http, merchant):
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    first = post(http, ENDPOINTS, body, **auth(merchant), **{"Idempotency-Key": "ep-1"})
    again = post(http, ENDPOINTS, body, **auth(merchant), **{"Idempotency-Key": "ep-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert len(http.get(ENDPOINTS, headers=auth(merchant)).json()["items"]) == 1


def test_patch_changes_events_description_url_and_enabled(http, merchant):
    endpoint = create_endpoint(http, merchant, "http://127.0.0.1:9/hook")
    path = f"{ENDPOINTS}/{endpoint['id']}"
    changed = patch(http, path, {"events": ["order.paid"], "description": "orders"}, **auth(merchant))
    assert changed.status_code == 200, changed.content
    assert (changed.json()["events"], changed.json()["description"]) == (["order.paid"], "orders")

    disabled = patch(http, path, {"enabled": False}, **auth(merchant)).json()
    assert (disabled["enabled"], disabled["disabled_reason"]) == (False, "manual")
    assert disabled["disabled_at"] is not None
    enabled = patch(http, path, {"enabled": True, "url": "https://hooks.example.com/x"}, **auth(merchant)).json()
    assert (enabled["enabled"], enabled["disabled_reason"], enabled["url"]) == (
        True,
        None,
        "https://hooks.example.com/x",
    )


def test_patch_re_checks_the_url(http, merchant, settings):
    endpoint = create_endpoint(http, merchant, "http://127.0.0.1:9/hook")
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = patch(http, f"{ENDPOINTS}/{endpoint['id']}", {"url": "http://10.0.0.7/hook"}, **auth(merchant))
    assert_problem(response, 422, "unsafe_url")
    assert_problem(
        patch(http, f"{ENDPOINTS}/{endpoint['id']}", {"url": "ftp://example.com/x"}, **auth(merchant)),
        422,
        "unsafe_url",
    )


def test_delete_hides_the_endpoint(http, merchant):
    endpoint = create_endpoint(http, merchant, "http://127.0.0.1:9/hook")
    assert http.delete(f"{ENDPOINTS}/{endpoint['id']}", headers=auth(merchant)).status_code == 204
    assert_problem(http.get(f"{ENDPOINTS}/{endpoint['id']}", headers=auth(merchant)), 404, "not_found")
    assert http.get(ENDPOINTS, headers=auth(merchant)).json()["items"] == []


def test_rotate_answers_a_new_secret_and_when_the_old_one_stops(http, merchant):
    endpoint = create_endpoint(http, merchant, "http://127.0.0.1:9/hook")
    rotated = post(http, f"{ENDPOINTS}/{endpoint['id']}/rotate-secret", {}, **auth(merchant))
    assert rotated.status_code == 200, rotated.content
    body = rotated.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != endpoint["secret"]
    assert body["previous_secret_expires_at"] is not None


def test_another_merchants_endpoint_is_404_everywhere(http, merchant):
    endpoint = create_endpoint(http, merchant, "http://127.0.0.1:9/hook")
    intruder = register(http, "merchant")
    path = f"{ENDPOINTS}/{endpoint['id']}"
    assert_problem(http.get(path, headers=auth(intruder)), 404, "not_found")
    assert_problem(patch(http, path, {"description": "mine"}, **auth(intruder)), 404, "not_found")
    assert_problem(http.delete(path, headers=auth(intruder)), 404, "not_found")
    assert_problem(post(http, f"{path}/rotate-secret", {}, **auth(intruder)), 404, "not_found")
    assert_problem(http.get(f"{path}/deliveries", headers=auth(intruder)), 404, "not_found")
    replay = {"since": "2020-01-01T00:00:00Z"}
    assert_problem(post(http, f"{path}/replay", replay, **auth(intruder)), 404, "not_found")
    assert_problem(http.get(f"{ENDPOINTS}/not-a-uuid", headers=auth(intruder)), 404, "not_found")
    assert http.get(ENDPOINTS, headers=auth(intruder)).json()["items"] == []


def test_only_merchants_manage_endpoints(http):
    customer = register(http, "customer")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    assert_problem(post(http, ENDPOINTS, body, **auth(customer)), 403, "forbidden")
    assert_problem(http.get(ENDPOINTS), 401, "unauthenticated")


def test_unknown_fields_and_bad_bodies_are_problems_not_500(http, merchant):
    assert_problem(
        post(http, ENDPOINTS, {"url": "http://127.0.0.1:9/", "events": ["*"], "secret": "x"}, **auth(merchant)),
        422,
        "validation_error",
    )
    assert_problem(post(http, ENDPOINTS, {"events": ["*"]}, **auth(merchant)), 422, "validation_error")
    assert_problem(post(http, ENDPOINTS, {"url": "not a url", "events": ["*"]}, **auth(merchant)), 422, "unsafe_url")
    assert_problem(
        post(http, ENDPOINTS, {"url": "http://127.0.0.1:9/", "events": "*"}, **auth(merchant)), 422, "validation_error"
    )


def test_webhook_url_given_at_sign_up_makes_an_endpoint_for_every_event_once(http, receiver):
    merchant = register(http, "merchant", profile={"webhook_url": receiver.url("/signup")})
    drain()
    [endpoint] = http.get(ENDPOINTS, headers=auth(merchant)).json()["items"]
    assert (endpoint["url"], endpoint["events"]) == (receiver.url("/signup"), ["*"])

    # The sign-up message handled again (a worker died before recording it done) makes nothing new.
    [message] = OutboxMessage.objects.filter(topic="identity.user.registered", payload__user_id=merchant["user"]["id"])
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending", next_attempt_at=timezone.now())
    drain()
    message.refresh_from_db()
    assert message.status == "done"
    assert len(http.get(ENDPOINTS, headers=auth(merchant)).json()["items"]) == 1


def test_sign_up_without_webhook_url_or_not_a_merchant_makes_none(http):
    merchant = register(http, "merchant")
    register(http, "vendor", profile={"webhook_url": "http://127.0.0.1:9/vendor"})
    drain()
    assert http.get(ENDPOINTS, headers=auth(merchant)).json()["items"] == []
    from adapters.django_orm.notifications.models import WebhookEndpoint

    assert not WebhookEndpoint.objects.filter(url__endswith="/vendor").exists()


def test_unsafe_sign_up_webhook_url_makes_no_endpoint(http, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    merchant = register(http, "merchant", profile={"webhook_url": "http://169.254.169.254/latest/meta-data"})
    drain()
    assert http.get(ENDPOINTS, headers=auth(merchant)).json()["items"] == []


def test_nul_and_control_characters_are_refused_not_500(http, merchant):
    endpoint = create_endpoint(http, merchant, "http://127.0.0.1:9/hook")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"], "description": "bad\u0000one"}
    assert_problem(post(http, ENDPOINTS, body, **auth(merchant)), 422, "invalid_description")
    assert_problem(
        post(http, ENDPOINTS, {**body, "description": "", "url": "http://127.0.0.1:9/\u0000"}, **auth(merchant)),
        422,
        "unsafe_url",
    )
    assert_problem(
        post(http, ENDPOINTS, {**body, "description": "", "events": ["pay\u0000"]}, **auth(merchant)),
        422,
        "invalid_events",
    )
    deliveries = f"{ENDPOINTS}/{endpoint['id']}/deliveries"
    assert_problem(http.get(f"{deliveries}?event_type=a%00b", headers=auth(merchant)), 422, "validation_error")
    assert_problem(http.get("/api/v1/events?type=a%00b", headers=auth(merchant)), 422, "validation_error")
    assert_problem(http.get("/api/v1/events?owner_id=a%00b", headers=auth(merchant)), 422, "validation_error")
    assert_problem(http.get("/api/v1/events/evt%00x", headers=auth(merchant)), 404, "not_found")
    assert_problem(http.get(f"{ENDPOINTS}/a%00b", headers=auth(merchant)), 404, "not_found")
    assert_problem(http.get("/api/v1/webhook-deliveries/msg_%00", headers=auth(merchant)), 404, "not_found")
