"""The event log through HTTP: merchants see their own events, admins all; filters and cursor pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.e2e.notifications.conftest import auth, publish
from tests.helpers import admin_token, assert_problem, bearer, register

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events"


def test_merchant_sees_only_its_own_events(http, merchant):
    other = register(http, "merchant")
    mine = [publish(merchant["user"]["id"], t) for t in ("payment.authorized", "payment.captured", "order.paid")]
    theirs = publish(other["user"]["id"], "payment.failed")

    listed = http.get(EVENTS, headers=auth(merchant)).json()
    assert [e["id"] for e in listed["items"]] == list(reversed(mine))
    assert listed["next_cursor"] is None
    event = http.get(f"{EVENTS}/{mine[0]}", headers={"X-API-Key": merchant["api_key"]})
    assert event.status_code == 200
    assert set(event.json()) == {"id", "type", "created", "data"}
    assert event.json()["type"] == "payment.authorized"
    assert event.json()["data"]["object"]["amount"] == "100.50"
    assert_problem(http.get(f"{EVENTS}/{theirs}", headers=auth(merchant)), 404, "not_found")
    assert_problem(http.get(f"{EVENTS}/evt_{'0' * 32}", headers=auth(merchant)), 404, "not_found")
    assert_problem(http.get(f"{EVENTS}/{'x' * 200}", headers=auth(merchant)), 404, "not_found")
    # Asking for someone else's events as a merchant still answers only your own.
    spoofed = http.get(f"{EVENTS}?owner_id={other['user']['id']}", headers=auth(merchant)).json()["items"]
    assert theirs not in {e["id"] for e in spoofed}


def test_admin_sees_every_event_and_can_filter_by_owner(http, merchant):
    other = register(http, "merchant")
    a = publish(merchant["user"]["id"], "payment.captured")
    b = publish(other["user"]["id"], "payment.captured")
    token = admin_token(http)
    seen = {e["id"] for e in http.get(f"{EVENTS}?limit=100", headers=bearer(token)).json()["items"]}
    assert {a, b} <= seen
    only = http.get(f"{EVENTS}?owner_id={other['user']['id']}", headers=bearer(token)).json()["items"]
    assert [e["id"] for e in only] == [b]
    assert http.get(f"{EVENTS}/{b}", headers=bearer(token)).status_code == 200


def test_filters_by_type_family_and_created_window(http, merchant, clock):
    owner = merchant["user"]["id"]
    early = publish(owner, "payment.captured")
    clock.advance(hours=1)
    middle = publish(owner, "order.paid")
    clock.advance(hours=1)
    late = publish(owner, "payment.refunded")

    def ids(query: str) -> list[str]:
        response = http.get(f"{EVENTS}?{query}", headers=auth(merchant))
        assert response.status_code == 200, response.content
        return [e["id"] for e in response.json()["items"]]

    assert ids("type=payment.captured") == [early]
    assert ids("type=payment.*") == [late, early]
    start = clock.now() - timedelta(hours=1, minutes=30)
    end = clock.now() - timedelta(minutes=30)
    assert ids(f"created_after={quote(start.isoformat())}&created_before={quote(end.isoformat())}") == [middle]


def test_cursor_pages_are_stable_under_inserts(http, merchant):
    owner = merchant["user"]["id"]
    published = [publish(owner, "payment.captured") for _ in range(5)]
    first = http.get(f"{EVENTS}?limit=2", headers=auth(merchant)).json()
    publish(owner, "payment.captured")  # a new event must not shift later pages
    seen = [e["id"] for e in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = http.get(f"{EVENTS}?limit=2&cursor={cursor}", headers=auth(merchant)).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert seen == list(reversed(published))


def test_other_roles_and_bad_queries(http):
    customer = register(http, "customer")
    assert_problem(http.get(EVENTS, headers=auth(customer)), 403, "forbidden")
    assert_problem(http.get(EVENTS), 401, "unauthenticated")
    merchant = register(http, "merchant")
    assert_problem(http.get(f"{EVENTS}?limit=1000", headers=auth(merchant)), 422, "validation_error")
    assert_problem(http.get(f"{EVENTS}?created_after=yesterday", headers=auth(merchant)), 422, "validation_error")
    assert_problem(http.get(f"{EVENTS}?cursor=%%%", headers=auth(merchant)), 422, "invalid_cursor")
