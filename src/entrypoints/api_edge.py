"""The browser chain's Security, Common, CSRF and framing middleware, in one layer for API paths (issue 15).

On an API path the full chain (settings.MIDDLEWARE) runs Django's SecurityMiddleware, CommonMiddleware,
CsrfViewMiddleware and XFrameOptionsMiddleware, four layers that each cost a call, a hasattr probe or
two and header writes that re-validate constant strings. This layer does what those four do, in their
order, with Django's own methods wherever they decide something (the SSL redirect, Host validation and
PREPEND_WWW, APPEND_SLASH on a 404, the CSRF cookie), and writes the constant security headers it
validated once when it was built. tests/e2e/hardening/test_request_chains.py compares the complete
header set of both chains.

What the four do on an API path, and where it is here:
* SecurityMiddleware: the redirect to https (SECURE_SSL_REDIRECT) before anything; HSTS on secure
  requests, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy on every response that lacks them,
  the redirect included.
* CommonMiddleware: Host validation (``request.get_host()`` raises DisallowedHost), refused user agents,
  PREPEND_WWW; on the way out the APPEND_SLASH redirect of a 404 and Content-Length.
* CsrfViewMiddleware: reads the CSRF cookie (there is nothing to read without one) and checks the view
  (Ninja's views are csrf-exempt); sets the cookie when something asked for a token.
* XFrameOptionsMiddleware: X-Frame-Options unless the response has it or is exempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.exception import response_for_exception
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware

Header = tuple[str, tuple[str, str]]

# Host headers get_host() accepted, so the next request with one skips its parsing and matching.
_VALID_HOSTS: dict[str, bool] = {}
_MAX_VALID_HOSTS = 64
_HOST_SETTINGS = {"ALLOWED_HOSTS", "DEBUG", "USE_X_FORWARDED_HOST", "PREPEND_WWW", "DISALLOWED_USER_AGENTS"}


@receiver(setting_changed)
def _forget_hosts(*, setting: str, **kwargs: Any) -> None:
    if setting in _HOST_SETTINGS:
        _VALID_HOSTS.clear()


def validated_headers(pairs: list[tuple[str, str]]) -> list[Header]:
    """Headers as ``ResponseHeaders`` stores them (lower-cased key, (name, value)), checked by Django once.

    Writing these entries directly skips the per-write charset and newline checks of constant values;
    the values went through the same checks here.
    """
    probe = HttpResponse()
    for name, value in pairs:
        probe.headers[name] = value
    return [(name.lower(), probe.headers._store[name.lower()]) for name, _ in pairs]


class ApiEdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # Django's own middleware, for the decisions; built here so they read settings when Django's
        # would (when the chain is built).
        self._security = SecurityMiddleware(get_response)
        self._common = CommonMiddleware(get_response)
        self._csrf = CsrfViewMiddleware(get_response)
        self._ssl_redirect = self._security.redirect
        self._csrf_always_reads = settings.CSRF_USE_SESSIONS
        self._hsts: Header | None = None
        if self._security.sts_seconds:
            self._hsts = validated_headers([("Strict-Transport-Security", _hsts_value(self._security))])[0]
        self._security_headers = validated_headers(_security_defaults(self._security))
        self._xframe: tuple[str, list[Header]] = ("", [])

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        secure = (self._ssl_redirect or self._hsts is not None) and request.is_secure()
        # SecurityMiddleware.process_request: a plain-http request is redirected before anything else.
        if self._ssl_redirect and not secure:
            redirect = self._security.process_request(request)
            if redirect is not None:
                return self._secure(request, redirect, secure)
        # CommonMiddleware.process_request, unless all it would do is accept a Host it accepted before;
        # what it raises (DisallowedHost) becomes a response at its layer in the full chain, which
        # SecurityMiddleware then completes.
        if not self._known_host(request):
            try:
                redirect = self._common.process_request(request)
            except Exception as exc:  # noqa: BLE001 — as Django's convert_exception_to_response around that layer
                return self._secure(request, response_for_exception(request, exc), secure)
            if redirect is not None:
                return self._secure(request, self._common.process_response(request, redirect), secure)
            self._remember_host(request)
        # CsrfViewMiddleware.process_request finds nothing to do without a CSRF cookie.
        if self._csrf_always_reads or "HTTP_COOKIE" in request.META:
            self._csrf.process_request(request)

        response = self.get_response(request)

        self._frame(response)
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            self._csrf.process_response(request, response)
        return self._secure(request, self._finish_common(request, response), secure)

    def _known_host(self, request: HttpRequest) -> bool:
        """The Host header was validated before, and nothing else in CommonMiddleware.process_request applies.

        Only hosts seen while USE_X_FORWARDED_HOST, PREPEND_WWW and DISALLOWED_USER_AGENTS were off are
        remembered (``get_host()`` then takes the Host header as it is, and its verdict depends only on
        that and on ALLOWED_HOSTS and DEBUG); a change of any of these settings forgets them.
        """
        return request.META.get("HTTP_HOST") in _VALID_HOSTS

    def _remember_host(self, request: HttpRequest) -> None:
        host = request.META.get("HTTP_HOST")
        if (
            host is None
            # A wildcard in ALLOWED_HOSTS accepts unboundedly many hosts: remember a few.
            or len(_VALID_HOSTS) >= _MAX_VALID_HOSTS
            or settings.USE_X_FORWARDED_HOST
            or settings.PREPEND_WWW
            or settings.DISALLOWED_USER_AGENTS
        ):
            return
        _VALID_HOSTS[host] = True

    def process_view(
        self, request: HttpRequest, callback: Callable[..., Any], callback_args: Any, callback_kwargs: Any
    ) -> HttpResponseBase | None:
        return self._csrf.process_view(request, callback, callback_args, callback_kwargs)

    def _frame(self, response: HttpResponseBase) -> None:
        store = response.headers._store
        if "x-frame-options" in store or getattr(response, "xframe_options_exempt", False):
            return
        # Read on every response, as XFrameOptionsMiddleware does; validated once per value.
        value = getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()
        if self._xframe[0] != value:
            self._xframe = (value, validated_headers([("X-Frame-Options", value)]))
        key, item = self._xframe[1][0]
        store[key] = item

    def _finish_common(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 404 and settings.APPEND_SLASH:
            return self._common.process_response(request, response)
        store = response.headers._store
        if not response.streaming and "content-length" not in store:
            store["content-length"] = ("Content-Length", str(len(response.content)))  # type: ignore[attr-defined]
        return response

    def _secure(self, request: HttpRequest, response: HttpResponseBase, secure: bool) -> HttpResponseBase:
        store = response.headers._store
        if self._hsts is not None and secure and "strict-transport-security" not in store:
            store[self._hsts[0]] = self._hsts[1]
        for key, item in self._security_headers:
            if key not in store:
                store[key] = item
        return response


def _hsts_value(security: SecurityMiddleware) -> str:
    value = f"max-age={security.sts_seconds}"
    if security.sts_include_subdomains:
        value += "; includeSubDomains"
    if security.sts_preload:
        value += "; preload"
    return value


def _security_defaults(security: SecurityMiddleware) -> list[tuple[str, str]]:
    """What SecurityMiddleware.process_response sets by default, in its order."""
    headers = []
    if security.content_type_nosniff:
        headers.append(("X-Content-Type-Options", "nosniff"))
    policy = security.referrer_policy
    if policy:
        value = ",".join([v.strip() for v in policy.split(",")] if isinstance(policy, str) else policy)
        headers.append(("Referrer-Policy", value))
    if security.cross_origin_opener_policy:
        headers.append(("Cross-Origin-Opener-Policy", security.cross_origin_opener_policy))
    return headers
