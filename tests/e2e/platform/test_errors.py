"""Every failure is problem+json with a code: unknown routes, methods, bodies, crashes."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem, bearer, post, register

pytestmark = pytest.mark.django_db


def test_unknown_route_is_problem_404(http):
    body = assert_problem(http.get("/api/v1/nope"), 404, "not_found")
    assert "Traceback" not in body["detail"]


def test_unknown_route_outside_api_is_problem_404(http):
    assert_problem(http.get("/definitely/not/here"), 404, "not_found")


def test_wrong_method_is_problem_405_with_allow(http):
    response = http.delete("/healthz")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_validation_error_lists_fields(http):
    response = post(http, "/api/v1/auth/register", {"email": "x@example.com", "role": "merchant"})
    body = assert_problem(response, 422, "validation_error")
    assert {"field": "password", "message": "Field required", "type": "missing"} in body["errors"]


def test_unknown_fields_are_refused(http):
    response = post(
        http,
        "/api/v1/auth/register",
        {"email": "x@example.com", "password": "p" * 12, "role": "customer", "is_staff": True},
    )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "is_staff"


def test_malformed_json_is_400(http):
    response = http.post("/api/v1/auth/token", data=b'{"email": ', content_type="application/json")
    assert_problem(response, 400, "malformed_json")


def test_body_over_one_mebibyte_is_413(http):
    big = b'{"email": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    response = http.post("/api/v1/auth/token", data=big, content_type="application/json")
    assert_problem(response, 413, "payload_too_large")


def test_wrong_content_type_is_415(http):
    response = http.post("/api/v1/auth/token", data="email=a", content_type="text/plain")
    assert_problem(response, 415, "unsupported_media_type")


def test_unhandled_exception_is_problem_500_without_traceback(http, monkeypatch):
    from application.identity import use_cases

    session = register(http, "customer")

    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(use_cases, "user_get", explode)
    response = http.get("/api/v1/auth/me", headers=bearer(session["access"]))
    body = assert_problem(response, 500, "internal_error")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in body["detail"]


def test_unhandled_exception_is_problem_500_in_debug_too(http, monkeypatch, settings):
    from application.identity import use_cases

    settings.DEBUG = True
    session = register(http, "customer")
    monkeypatch.setattr(use_cases, "user_get", lambda **kwargs: 1 / 0)
    response = http.get("/api/v1/auth/me", headers=bearer(session["access"]))
    assert_problem(response, 500, "internal_error")
    assert b"ZeroDivisionError" not in response.content


def test_failed_request_changes_nothing(http):
    from adapters.django_orm.identity.models import User

    before = User.all_objects.count()
    post(http, "/api/v1/auth/register", {"email": "bad", "password": "short", "role": "merchant"})
    http.post("/api/v1/auth/register", data=b"{", content_type="application/json")
    assert User.all_objects.count() == before
