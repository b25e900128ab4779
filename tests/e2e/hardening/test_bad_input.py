"""Hostile input answers a 4xx problem with a code, never a 500 (issue #14, "What was seen" §6)."""

from __future__ import annotations

import base64
import json

import pytest

from tests.helpers import admin_token, assert_problem, bearer, patch, post, register

pytestmark = pytest.mark.django_db

EDGE_TIMES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00"]


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


CRAFTED_CURSORS = [
    _cursor({"t": "2026-01-01T00:00:00+00:00", "id": "not-a-uuid"}),
    _cursor({"t": "0001-01-01T00:00:00+14:00", "id": "00000000-0000-0000-0000-000000000001"}),
    _cursor({"t": "9999-12-31T23:59:59-23:59", "id": "1"}),
    _cursor({"t": "2026-01-01T00:00:00+00:00", "id": 99999999999999999999999}),
    _cursor({"t": "2026-01-01T00:00:00+00:00", "id": ["x"]}),
]


@pytest.fixture
def merchant(http) -> dict[str, str]:
    return bearer(register(http, "merchant")["access"])


@pytest.fixture
def customer(http) -> dict[str, str]:
    return bearer(register(http, "customer")["access"])


@pytest.mark.parametrize("field", ["webhook_url", "business_name", "phone", "address", "name"])
def test_null_profile_field_is_a_validation_error(http, merchant, field) -> None:
    response = patch(http, "/api/v1/auth/me", {field: None}, **merchant)
    assert_problem(response, 422, "validation_error")
    # Leaving it out, or clearing it with "", still works.
    assert patch(http, "/api/v1/auth/me", {"phone": ""}, **merchant).status_code == 200


@pytest.mark.parametrize("edge", EDGE_TIMES)
@pytest.mark.parametrize("bound", ["created_after", "created_before"])
def test_time_filters_at_the_calendar_edges_are_refused(http, merchant, customer, edge, bound) -> None:
    admin = bearer(admin_token(http))
    for path, headers in [
        ("/api/v1/orders", merchant),
        ("/api/v1/payments", merchant),
        ("/api/v1/events", merchant),
        ("/api/v1/marketplace/orders", customer),
        ("/api/v1/admin/transactions", admin),
    ]:
        response = http.get(path, {bound: edge}, headers=headers)
        body = assert_problem(response, 422, "validation_error")
        assert body["errors"][0]["field"] == bound, (path, body)


@pytest.mark.parametrize("cursor", CRAFTED_CURSORS)
def test_crafted_cursors_are_refused(http, merchant, customer, cursor) -> None:
    admin = bearer(admin_token(http))
    for path, headers in [
        ("/api/v1/orders", merchant),
        ("/api/v1/payments", merchant),
        ("/api/v1/events", merchant),
        ("/api/v1/webhook-endpoints", merchant),
        ("/api/v1/marketplace/orders", customer),
        ("/api/v1/admin/transactions", admin),
        ("/api/v1/admin/users", admin),
        ("/api/v1/distributors", admin),
        ("/api/v1/admin/erp/sync", admin),
    ]:
        response = http.get(path, {"cursor": cursor}, headers=headers)
        if path == "/api/v1/events" and response.status_code == 200:
            continue  # event ids are opaque strings: any id is a position, the page is merely empty
        assert response.status_code == 422, (path, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "invalid_cursor"


def test_nul_characters_are_refused_everywhere_and_nothing_is_stored(http, merchant) -> None:
    response = patch(http, "/api/v1/auth/me", {"business_name": "Acme\u0000Ltd"}, **merchant)
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert http.get("/api/v1/auth/me", headers=merchant).json()["profile"]["business_name"] != "Acme\u0000Ltd"
    for field in ("name", "phone", "address", "webhook_url"):
        response = patch(http, "/api/v1/auth/me", {field: "a\u0000b"}, **merchant)
        assert 400 <= response.status_code < 500, (field, response.content)
    response = post(http, "/api/v1/auth/register", {"email": "nul\u0000@example.com", "password": "x" * 12})
    assert 400 <= response.status_code < 500, response.content
    response = http.get("/api/v1/orders", {"status": "paid\x00"}, headers=merchant)
    assert_problem(response, 422, "validation_error")
