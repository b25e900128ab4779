"""Django's session, user and message middleware, run for the browser's pages only (issue 15).

The admin and the partner portal sign in with a session and show flash messages; the JSON API
(``/api/``, ``/v1/``, the health routes) authenticates each request by bearer token or API key and
uses none of them. On API paths these pass the request straight on, so an API request builds no
session store, lazy user or message storage. Everything else (security headers, CSRF, framing) runs
on every path as before; an unknown path gets the full browser stack.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

API_PATH_PREFIXES = ("/api/", "/v1/")
API_PATHS = frozenset({"/", "/healthz", "/readyz"})


def is_api_path(path: str) -> bool:
    return path in API_PATHS or path.startswith(API_PATH_PREFIXES)


class BrowserSessionMiddleware(SessionMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


class BrowserAuthenticationMiddleware(AuthenticationMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


class BrowserMessageMiddleware(MessageMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)
