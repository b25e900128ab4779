"""Access and refresh tokens: rotation, blacklist, logout, tampering."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client

from tests.helpers import assert_problem, bearer, login, post, register

pytestmark = pytest.mark.django_db


def test_refresh_rotates_and_reuse_is_401(http):
    session = register(http, "customer")
    rotated = post(http, "/api/v1/auth/token/refresh", {"refresh": session["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != session["refresh"]
    assert http.get("/api/v1/auth/me", headers=bearer(rotated.json()["access"])).status_code == 200
    reused = post(http, "/api/v1/auth/token/refresh", {"refresh": session["refresh"]})
    assert_problem(reused, 401, "invalid_token")


def test_refresh_and_logout_read_the_cookie_when_the_body_has_none():
    client = Client()
    register(client, "customer")  # sets the cookie on this client
    assert post(client, "/api/v1/auth/token/refresh").status_code == 200
    cookie_token = client.cookies["pp_refresh"].value
    assert post(client, "/api/v1/auth/logout").status_code == 200
    assert_problem(post(Client(), "/api/v1/auth/token/refresh", {"refresh": cookie_token}), 401, "invalid_token")


def test_logged_out_refresh_token_is_401(http):
    session = register(http, "customer")
    assert post(http, "/api/v1/auth/logout", {"refresh": session["refresh"]}).status_code == 200
    assert_problem(post(http, "/api/v1/auth/token/refresh", {"refresh": session["refresh"]}), 401, "invalid_token")


def test_refresh_without_any_token_is_401():
    assert_problem(post(Client(), "/api/v1/auth/token/refresh"), 401, "invalid_token")


def test_tampered_access_token_is_401(http):
    session = register(http, "customer")
    header, payload, signature = session["access"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["user_id"] = "00000000-0000-0000-0000-000000000000"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert_problem(
        http.get("/api/v1/auth/me", headers=bearer(f"{header}.{forged}.{signature}")), 401, "unauthenticated"
    )


def test_alg_none_token_is_401(http):
    session = register(http, "customer")
    claims = json.loads(base64.urlsafe_b64decode(session["access"].split(".")[1] + "=="))
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert_problem(http.get("/api/v1/auth/me", headers=bearer(f"{none_header}.{body}.")), 401, "unauthenticated")


def test_expired_access_token_is_401(http):
    from ninja_jwt.tokens import AccessToken

    from adapters.django_orm.identity.models import User

    session = register(http, "customer")
    token = AccessToken.for_user(User.objects.get(pk=session["user"]["id"]))
    token.set_exp(lifetime=-timedelta(minutes=1))
    assert_problem(http.get("/api/v1/auth/me", headers=bearer(str(token))), 401, "unauthenticated")


def test_refresh_token_is_not_an_access_token(http):
    session = register(http, "customer")
    assert_problem(http.get("/api/v1/auth/me", headers=bearer(session["refresh"])), 401, "unauthenticated")


def test_me_requires_credentials(http):
    response = http.get("/api/v1/auth/me")
    assert_problem(response, 401, "unauthenticated")


def test_profile_update(http):
    session = register(http, "vendor")
    response = http.patch(
        "/api/v1/auth/me",
        data=json.dumps({"name": "New Name", "business_name": "Fixit"}),
        content_type="application/json",
        headers=bearer(session["access"]),
    )
    assert response.status_code == 200
    assert response.json()["name"] == "New Name"
    assert response.json()["profile"]["business_name"] == "Fixit"
    assert response.json()["profile"]["is_active"] is False


def test_reusing_a_rotated_refresh_token_revokes_its_whole_family(http):
    """Reuse means the family leaked: every token of it is revoked, other logins are untouched."""
    session = register(http, "customer")
    other_login = login(http, session["user"]["email"])  # another device: another family
    first = post(http, "/api/v1/auth/token/refresh", {"refresh": session["refresh"]}).json()
    second = post(http, "/api/v1/auth/token/refresh", {"refresh": first["refresh"]}).json()
    # The stolen first token is replayed: 401, and the legitimate newest token dies with it.
    assert_problem(post(http, "/api/v1/auth/token/refresh", {"refresh": first["refresh"]}), 401, "invalid_token")
    assert_problem(post(http, "/api/v1/auth/token/refresh", {"refresh": second["refresh"]}), 401, "invalid_token")
    assert post(http, "/api/v1/auth/token/refresh", {"refresh": other_login["refresh"]}).status_code == 200
