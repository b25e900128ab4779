"""Limits per client that work behind a proxy, per account, configurable, and shared by the admin login."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from entrypoints.api.auth import client_ip
from tests.helpers import STRONG_PASSWORD, assert_problem, make_admin, post, register

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def _login(http, email: str, password: str = "wrong-password-123", **meta: str):
    return post(http, "/api/v1/auth/token", {"email": email, "password": password}, **meta)


def test_two_clients_behind_one_trusted_proxy_are_limited_separately(http) -> None:
    for _ in range(5):
        response = _login(http, "a@example.com", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
        assert_problem(response, 401, "invalid_credentials")
    limited = _login(http, "a@example.com", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert_problem(limited, 429, "rate_limited")
    assert int(limited["Retry-After"]) >= 1
    other = _login(http, "b@example.com", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert_problem(other, 401, "invalid_credentials")


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(http) -> None:
    for n in range(5):
        response = _login(http, f"s{n}@example.com", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert_problem(response, 401, "invalid_credentials")
    spoofed = _login(http, "s9@example.com", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert_problem(spoofed, 429, "rate_limited")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        (PROXY, "198.51.100.1", "198.51.100.1"),
        (PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.7", "198.51.100.1"),  # right-most untrusted hop
        (PROXY, "10.0.0.7, 10.0.0.8", "10.0.0.7"),  # only proxies: the left-most
        (PROXY, "not-an-ip, 198.51.100.1", "198.51.100.1"),
        (PROXY, "", PROXY),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # untrusted peer: header ignored
    ],
)
def test_client_address(peer: str, forwarded: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_failed_logins_per_account_are_limited_across_addresses_and_block_even_the_right_password(
    http, settings
) -> None:
    settings.LOGIN_RATE_PER_ACCOUNT = "3/15m"
    account = register(http, "customer")
    email = account["user"]["email"]
    for n in range(3):
        assert_problem(_login(http, email, REMOTE_ADDR=f"198.51.100.{n}"), 401, "invalid_credentials")
    assert_problem(_login(http, email, STRONG_PASSWORD, REMOTE_ADDR="198.51.100.50"), 429, "rate_limited")
    # Another account is not affected.
    other = register(http, "customer")
    assert _login(http, other["user"]["email"], STRONG_PASSWORD, REMOTE_ADDR="198.51.100.51").status_code == 200


def test_sign_up_limit_is_configuration(http, settings) -> None:
    settings.SIGNUP_RATE_PER_IP = "2/hour"
    for n in range(2):
        body = {"email": f"u{n}@example.com", "password": STRONG_PASSWORD, "name": "U", "role": "customer"}
        assert post(http, "/api/v1/auth/register", body, REMOTE_ADDR="198.51.100.77").status_code == 201
    body = {"email": "u9@example.com", "password": STRONG_PASSWORD, "name": "U", "role": "customer"}
    assert_problem(post(http, "/api/v1/auth/register", body, REMOTE_ADDR="198.51.100.77"), 429, "rate_limited")


def test_the_admin_login_shares_the_login_limit(http) -> None:
    email, _ = make_admin()
    for _ in range(5):
        response = http.post(
            "/admin/login/", {"username": email, "password": "wrong-password-1"}, REMOTE_ADDR="198.51.100.9"
        )
        assert response.status_code == 200
    limited = http.post("/admin/login/", {"username": email, "password": "wrong"}, REMOTE_ADDR="198.51.100.9")
    assert_problem(limited, 429, "rate_limited")
    assert_problem(_login(http, "x@example.com", REMOTE_ADDR="198.51.100.9"), 429, "rate_limited")
