"""The API chain answers exactly what the full browser chain answers (issue 15, entrypoints/request_chains.py).

Every request here is made twice, through the settings' MIDDLEWARE (API paths take the short chain) and
through the same list without its first entry (every path takes the full chain, as before the split),
and the two responses must agree on status, every header in order, cookies and body.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, path
from django.urls.resolvers import RegexPattern

from entrypoints.request_chains import ApiChainMiddleware, literal_api_routes

pytestmark = pytest.mark.django_db

INGEST = {
    "transaction_id": "chain-test-1",
    "source_account": "acc_a",
    "destination_account": "acc_b",
    "amount": "10.00",
    "currency": "INR",
}
# Bodies that say what time it is differ by that alone.
TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")
HOST = {"HTTP_HOST": "testserver", "HTTP_X_REQUEST_ID": "chain-test"}
API_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("get", "/healthz", {}),
    ("get", "/", {}),
    ("head", "/healthz", {}),
    ("get", "/api/v1/orders", {}),  # 401 with WWW-Authenticate
    ("get", "/api/v1/orders/not-an-order", {}),
    ("get", "/api/v1/no-such-thing", {}),  # 404 from the resolver
    ("get", "/v1/webhooks/transactions", {}),  # 405 with Allow
    ("post", "/v1/webhooks/transactions", {"data": "x=1", "content_type": "text/plain"}),  # 415
    ("post", "/v1/webhooks/transactions", {"data": "{", "content_type": "application/json"}),  # 422/400
    ("post", "/api/v1/orders", {"data": "{}", "content_type": "application/json", "CONTENT_LENGTH": "9999999"}),
    ("get", "/api/v1/orders?q=%00", {}),  # NUL in the query string
    ("get", "/healthz", {"HTTP_HOST": "evil.example"}),  # Host validation
    ("get", "/healthz", {"HTTP_COOKIE": "csrftoken=malformed"}),  # a bad CSRF cookie is replaced
    ("get", "/healthz", {"HTTP_COOKIE": "sessionid=abc; other=1"}),
    ("options", "/api/v1/orders", {}),
    ("get", "/api/v1/openapi.json", {}),
    ("get", "/api/v1/docs", {}),
]
BROWSER_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("get", "/admin/login/", {}),
    ("get", "/portal/login/", {}),
    ("get", "/somewhere-else", {}),
    ("post", "/admin/login/", {"data": {"username": "a@b.c", "password": "x"}}),  # CSRF refusal
]


def _send(method: str, url: str, kwargs: dict[str, Any]) -> HttpResponse:
    client = Client(**{**HOST, **{k: v for k, v in kwargs.items() if k.startswith(("HTTP_", "CONTENT_"))}})
    call = {k: v for k, v in kwargs.items() if not k.startswith(("HTTP_", "CONTENT_"))}
    return getattr(client, method)(url, **call)  # type: ignore[no-any-return]


# never_cache's Expires says when the page was rendered: two renderings may straddle a second.
HEADER_TIMES = {"Expires"}


def _seen(response: HttpResponse) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "headers": [(name, "<time>" if name in HEADER_TIMES else value) for name, value in response.items()],
        "cookies": sorted((name, morsel.output()) for name, morsel in response.cookies.items() if name != "csrftoken"),
        "csrf_cookie_set": "csrftoken" in response.cookies,
        "body": TIMESTAMP.sub(b"<time>", response.content),
    }


def _both(settings: Any, method: str, url: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    assert settings.MIDDLEWARE[0] == "entrypoints.request_chains.ApiChainMiddleware"
    split = _seen(_send(method, url, kwargs))
    with override_settings(MIDDLEWARE=settings.MIDDLEWARE[1:]):
        full = _seen(_send(method, url, kwargs))
    return split, full


def _same(split: dict[str, Any], full: dict[str, Any]) -> None:
    if split["headers"] and dict(split["headers"]).get("Content-Type", "").startswith("text/html"):
        # Rendered pages carry a fresh CSRF token each time: compare their size-independent parts.
        split, full = {**split, "body": None}, {**full, "body": None}
        split["headers"] = [h for h in split["headers"] if h[0] != "Content-Length"]
        full["headers"] = [h for h in full["headers"] if h[0] != "Content-Length"]
    assert split == full


@pytest.mark.parametrize(("method", "url", "kwargs"), API_REQUESTS + BROWSER_REQUESTS)
def test_every_response_is_the_full_chains(settings, method, url, kwargs):
    _same(*_both(settings, method, url, kwargs))


def test_an_ingested_transaction_gets_the_same_headers(settings):
    def ingest(transaction_id: str) -> dict[str, Any]:
        body = json.dumps({**INGEST, "transaction_id": transaction_id})
        return _seen(_send("post", "/v1/webhooks/transactions", {"data": body, "content_type": "application/json"}))

    split = ingest("chain-test-split")
    with override_settings(MIDDLEWARE=settings.MIDDLEWARE[1:]):
        full = ingest("chain-test-full1")  # as long as the other: the same Content-Length
    assert split["status"] == full["status"] == 202
    assert [(k, v.replace("split", "full1")) for k, v in split["headers"]] == full["headers"]
    assert [name for name, _ in split["headers"]] == [
        "Content-Type",
        "Location",
        "X-Frame-Options",
        "Content-Length",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Request-ID",
    ]


PRODUCTION = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^readyz$"],
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "CSRF_COOKIE_SECURE": True,
}


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("get", "/api/v1/orders", {}),  # plain http: redirected to https
        ("get", "/healthz", {}),  # exempt from the redirect
        ("get", "/api/v1/orders", {"HTTP_X_FORWARDED_PROTO": "https"}),  # HSTS
        ("get", "/healthz", {"HTTP_X_FORWARDED_PROTO": "https"}),
        ("get", "/api/v1/orders", {"HTTP_HOST": "evil.example"}),  # the redirect validates the Host
        ("get", "/api/v1/no-such-thing", {"HTTP_X_FORWARDED_PROTO": "https"}),
        ("get", "/healthz", {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_COOKIE": "csrftoken=malformed"}),
        ("get", "/admin/login/", {}),
        ("get", "/admin/login/", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ],
)
def test_production_security_is_the_full_chains(settings, method, url, kwargs):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    split, full = _both(settings, method, url, kwargs)
    _same(split, full)
    if url == "/api/v1/orders" and "HTTP_X_FORWARDED_PROTO" in kwargs:
        assert ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload") in split["headers"]


@pytest.mark.parametrize(
    ("setting", "value", "url"),
    [
        ("ALLOWED_HOSTS", ["elsewhere.example"], "/healthz"),  # a Host accepted before is checked again
        ("USE_X_FORWARDED_HOST", True, "/healthz"),
        ("DISALLOWED_USER_AGENTS", [re.compile("")], "/healthz"),
        ("APPEND_SLASH", True, "/api/v1/no-such-thing"),
        ("APPEND_SLASH", True, "/api/v1/auth/me"),
        ("PREPEND_WWW", True, "/healthz"),
        ("X_FRAME_OPTIONS", "sameorigin", "/healthz"),
        ("SECURE_REFERRER_POLICY", "no-referrer, strict-origin", "/healthz"),
        ("SECURE_CONTENT_TYPE_NOSNIFF", False, "/healthz"),
        ("SECURE_CROSS_ORIGIN_OPENER_POLICY", None, "/healthz"),
    ],
)
def test_request_handling_settings_act_the_same(settings, setting, value, url):
    _same(*_both(settings, "get", url, {}))  # the Host is known
    setattr(settings, setting, value)
    split, full = _both(settings, "get", url, {"HTTP_X_FORWARDED_HOST": "forwarded.example", "HTTP_USER_AGENT": "x"})
    _same(split, full)
    assert split["status"] == {"ALLOWED_HOSTS": 400, "DISALLOWED_USER_AGENTS": 403}.get(setting, split["status"])


def test_api_paths_never_reach_the_browser_chain():
    def browser_chain(request):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{request.path} went down the browser chain")

    chain = ApiChainMiddleware(browser_chain)
    factory = RequestFactory(HTTP_HOST="testserver")
    assert chain(factory.get("/healthz")).status_code == 200
    assert chain(factory.get("/api/v1/no-such-thing")).status_code == 404

    reached = []
    ApiChainMiddleware(lambda request: reached.append(request.path) or HttpResponse())(factory.get("/admin/"))
    assert reached == ["/admin/"]


def test_literal_routes_resolve_as_the_resolver_does():
    resolver = get_resolver()
    routes = literal_api_routes(resolver)
    for hot in ("/healthz", "/readyz", "/", "/v1/webhooks/transactions", "/api/v1/orders", "/api/v1/payments"):
        assert hot in routes
    for url, match in routes.items():
        expected = resolver.resolve(url)
        assert (match.func, match.args, match.kwargs, match.route, match.view_name) == (
            expected.func,
            expected.args,
            expected.kwargs,
            expected.route,
            expected.view_name,
        )
    assert not any("<" in url for url in routes)
    assert "/admin/login/" not in routes


def test_a_literal_route_behind_a_matching_pattern_is_left_to_the_resolver():
    def first(request):  # type: ignore[no-untyped-def]
        return HttpResponse()

    def second(request):  # type: ignore[no-untyped-def]
        return HttpResponse()

    resolver = URLResolver(
        RegexPattern(r"^/"),  # as get_resolver() builds the root
        [path("api/v1/<str:name>", first), path("api/v1/fixed", second), path("api/v1/other/fixed", second)],
    )
    routes = literal_api_routes(resolver)
    assert "/api/v1/fixed" not in routes  # "<str:name>" answers it first
    assert routes["/api/v1/other/fixed"].func is second
