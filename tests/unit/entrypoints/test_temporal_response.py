"""The API's temporal response is a copy of one built once: the same as ninja's, and shares nothing mutable."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from ninja import NinjaAPI

from entrypoints.api.app import api


def _ninjas() -> HttpResponse:
    return NinjaAPI.create_temporal_response(api, RequestFactory().get("/healthz"))


def _state(response: HttpResponse) -> dict[str, object]:
    return {
        "class": type(response),
        "keys": sorted(response.__dict__),
        "headers": list(response.items()),
        "status": response.status_code,
        "reason": response.reason_phrase,
        "charset": response.charset,
        "content": response.content,
        "cookies": dict(response.cookies),
        "closed": response.closed,
    }


def test_it_is_what_ninja_would_have_made():
    request = RequestFactory().get("/healthz")
    for _ in range(2):  # the first builds the template, the second copies it
        assert _state(api.create_temporal_response(request)) == _state(_ninjas())


def test_what_one_view_sets_on_it_reaches_no_other():
    request = RequestFactory().get("/healthz")
    first = api.create_temporal_response(request)
    first.status_code = 201
    first["Location"] = "/somewhere"
    first.set_cookie("c", "1")
    first.content = b"body"
    first._resource_closers.append(lambda: None)
    second = api.create_temporal_response(request)
    assert _state(second) == _state(_ninjas())
    assert second._resource_closers == []
    assert api._temporal is not None
    assert _state(api._temporal) == _state(_ninjas())
