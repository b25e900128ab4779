"""Sign-up, sign-in and the attacks on them (issue 3)."""

from __future__ import annotations

import pytest

from tests.helpers import STRONG_PASSWORD, assert_problem, bearer, login, post, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["merchant", "vendor", "customer", "distributor", "reseller"])
def test_every_role_but_admin_can_register(http, role):
    session = register(http, role)
    assert session["user"]["role"] == role
    assert session["access"]
    assert session["refresh"]
    assert ("api_key" in session and session["api_key"] is not None) == (role == "merchant")


def test_merchant_api_key_is_shown_once_and_works(http):
    session = register(http, "merchant", profile={"business_name": "Acme"})
    assert session["api_key"].startswith("ppk_")
    me = http.get("/api/v1/auth/me", headers={"X-API-Key": session["api_key"]})
    assert me.status_code == 200
    assert me.json()["profile"]["business_name"] == "Acme"
    listed = http.get("/api/v1/merchants/me/api-keys", headers=bearer(session["access"])).json()
    assert session["api_key"] not in str(listed)
    assert listed[0]["prefix"] == session["api_key"][:12]


def test_vendor_starts_inactive(http):
    assert register(http, "vendor")["user"]["profile"]["is_active"] is False


def test_admin_role_cannot_self_register(http):
    response = post(
        http, "/api/v1/auth/register", {"email": "x@example.com", "password": STRONG_PASSWORD, "role": "admin"}
    )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "role"


def test_duplicate_email_is_409_case_insensitively(http):
    register(http, "customer", email="Dup@Example.com")
    response = post(
        http, "/api/v1/auth/register", {"email": "dup@example.COM", "password": STRONG_PASSWORD, "role": "merchant"}
    )
    assert_problem(response, 409, "email_taken")


def test_weak_password_is_422_on_the_field(http):
    response = post(
        http, "/api/v1/auth/register", {"email": "w@example.com", "password": "12345678", "role": "customer"}
    )
    body = assert_problem(response, 422, "weak_password")
    assert body["errors"][0]["field"] == "password"


def test_unknown_referral_code_is_422(http):
    response = post(
        http,
        "/api/v1/auth/register",
        {"email": "r@example.com", "password": STRONG_PASSWORD, "role": "merchant", "referral_code": "NOPE123"},
    )
    assert_problem(response, 422, "unknown_referral_code")


def test_password_is_hashed_with_argon2(http):
    from adapters.django_orm.identity.models import User

    session = register(http, "customer")
    stored = User.objects.get(pk=session["user"]["id"]).password
    assert stored.startswith("argon2")
    assert STRONG_PASSWORD not in stored


def test_login_with_case_insensitive_email(http):
    register(http, "customer", email="case@example.com")
    assert login(http, "CASE@example.com")["user"]["email"] == "case@example.com"


def test_wrong_password_and_unknown_email_get_the_same_401(http):
    register(http, "customer", email="known@example.com")
    wrong = post(http, "/api/v1/auth/token", {"email": "known@example.com", "password": "not-the-password"})
    unknown = post(http, "/api/v1/auth/token", {"email": "nobody@example.com", "password": "not-the-password"})
    assert_problem(wrong, 401, "invalid_credentials")
    assert wrong.json() == unknown.json()


def test_sixth_login_in_a_minute_is_429_with_retry_after(http):
    register(http, "customer", email="limited@example.com")
    for _ in range(5):
        assert (
            post(http, "/api/v1/auth/token", {"email": "limited@example.com", "password": "wrong-password"}).status_code
            == 401
        )
    response = post(http, "/api/v1/auth/token", {"email": "limited@example.com", "password": STRONG_PASSWORD})
    assert_problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 61


def test_login_limit_is_per_ip(http):
    register(http, "customer", email="ip@example.com")
    for _ in range(6):
        post(http, "/api/v1/auth/token", {"email": "ip@example.com", "password": "wrong-password"})
    other_ip = post(
        http, "/api/v1/auth/token", {"email": "ip@example.com", "password": STRONG_PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert other_ip.status_code == 200


def test_eleventh_registration_in_an_hour_is_429(http):
    for n in range(10):
        body = {"email": f"bulk{n}@example.com", "password": STRONG_PASSWORD, "role": "customer"}
        assert post(http, "/api/v1/auth/register", body).status_code == 201
    response = post(
        http, "/api/v1/auth/register", {"email": "bulk10@example.com", "password": STRONG_PASSWORD, "role": "customer"}
    )
    assert_problem(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0


def test_refresh_cookie_is_httponly_strict_and_scoped(http, settings):
    settings.DEBUG = False
    response = post(
        http, "/api/v1/auth/register", {"email": "c@example.com", "password": STRONG_PASSWORD, "role": "customer"}
    )
    cookie = response.cookies["pp_refresh"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/v1/auth"
    assert cookie["secure"]
    assert cookie.value == response.json()["refresh"]
