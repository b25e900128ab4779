"""The auth classes read their one header from META, as ninja's would from ``request.headers`` (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from ninja.security import APIKeyHeader, HttpBearer

from entrypoints.api.auth import ApiKeyAuth, BearerAuth


class _Seen:
    """Records what ``authenticate`` was given instead of looking anything up."""

    def __init__(self) -> None:
        self.given: list[Any] = []

    def __call__(self, request: Any, value: Any) -> Any:
        self.given.append(value)
        return "principal" if value else None


def _bearer(seen: _Seen) -> BearerAuth:
    auth = BearerAuth(frozenset())
    auth.authenticate = seen  # type: ignore[method-assign]
    return auth


def _api_key(seen: _Seen) -> ApiKeyAuth:
    auth = ApiKeyAuth(frozenset())
    auth.authenticate = seen  # type: ignore[method-assign]
    return auth


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer abc", "bearer abc", "BEARER a b  c", "Bearer", "Basic abc", "Token abc", " Bearer abc"],
)
def test_bearer_reads_what_ninjas_http_bearer_reads(header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    ours, ninjas = _Seen(), _Seen()
    ninja_bearer = type("NinjaBearer", (HttpBearer,), {"authenticate": lambda self, r, token: ninjas(r, token)})()
    request = RequestFactory().get("/api/v1/orders", **extra)
    assert _bearer(ours)(request) == ninja_bearer(RequestFactory().get("/api/v1/orders", **extra))
    assert ours.given == ninjas.given
    # The header dict of every header was not built for it.
    assert "headers" not in request.__dict__


@pytest.mark.parametrize("header", [None, "", "ppk_abc", " ppk_abc "])
def test_api_key_reads_what_ninjas_api_key_header_reads(header):
    extra = {} if header is None else {"HTTP_X_API_KEY": header}
    ours, ninjas = _Seen(), _Seen()
    ninja_key = type(
        "NinjaKey", (APIKeyHeader,), {"param_name": "X-API-Key", "authenticate": lambda self, r, key: ninjas(r, key)}
    )()
    request = RequestFactory().get("/api/v1/orders", **extra)
    assert _api_key(ours)(request) == ninja_key(RequestFactory().get("/api/v1/orders", **extra))
    assert ours.given == ninjas.given
    assert "headers" not in request.__dict__
