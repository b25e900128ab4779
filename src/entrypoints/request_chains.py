"""Two middleware chains: the browser's (settings.MIDDLEWARE) and a short one for API paths (issue 15).

``ApiChainMiddleware`` is the first entry of settings.MIDDLEWARE, so every handler that builds the stack
from settings (the WSGI application, ``runserver``, the test client) builds both: a request for an API
path (``is_api_path``: ``/api/``, ``/v1/``, the health routes) leaves for the chain of
settings.API_MIDDLEWARE, anything else continues down the browser chain (admin, portal, simulators,
unknown paths). The API chain is request context, problem+json and ``ApiEdgeMiddleware`` (Django's
security, common, CSRF and framing middleware in one layer): the sessions, users, messages and the
admin's login limits of the browser chain do nothing on API paths, so they are not called.

Resolution in the API chain: a path equal to one of the API's literal routes (``/healthz``,
``/v1/webhooks/transactions``, ``/api/v1/orders``...) is found in a dict, built on the first request
from what the URL resolver itself answers for each of those paths, instead of trying the ~130 patterns
in order; every other path goes through the resolver as before (so a 404 is Django's own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver
from django.urls.resolvers import ResolverMatch, RoutePattern
from django.utils.module_loading import import_string

from entrypoints.browser_middleware import is_api_path

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class ApiChainMiddleware:
    """Sends API paths down the short chain; everything else down the rest of settings.MIDDLEWARE."""

    def __init__(self, get_response: GetResponse) -> None:
        self.browser_chain = get_response
        self.api_handler = ApiHandler()
        self.api_handler.load_middleware()
        self.api_chain: GetResponse = self.api_handler._middleware_chain

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_api_path(request.path_info):
            return self.api_chain(request)
        return self.browser_chain(request)


class ApiHandler(BaseHandler):
    """Django's view machinery (view, exception and template-response middleware) under API_MIDDLEWARE."""

    def __init__(self) -> None:
        super().__init__()
        self._routes: dict[str, ResolverMatch] = {}
        self._routes_urlconf: str | None = None

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler.load_middleware, for the synchronous stack, from settings.API_MIDDLEWARE.
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for middleware_path in reversed(settings.API_MIDDLEWARE):
            middleware = import_string(middleware_path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler

    def check_response(self, response: Any, callback: Any, name: str | None = None) -> None:
        # BaseHandler's check is for a view that answered None or an unawaited coroutine; an HttpResponse
        # is neither, and is told apart without asyncio.iscoroutine's ABC check.
        if not isinstance(response, HttpResponseBase):
            super().check_response(response, callback, name)

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        if not hasattr(request, "urlconf"):
            template = self._literal_routes().get(request.path_info)
            if template is not None:
                match = _copy_match(template)
                request.resolver_match = match
                return match
        return super().resolve_request(request)

    def _literal_routes(self) -> dict[str, ResolverMatch]:
        urlconf = settings.ROOT_URLCONF
        if self._routes_urlconf != urlconf:
            # Two threads may both build it on the first requests: the same dict, either one kept.
            self._routes = literal_api_routes(get_resolver(urlconf))
            self._routes_urlconf = urlconf
        return self._routes


def literal_api_routes(resolver: URLResolver) -> dict[str, ResolverMatch]:
    """API paths without parameters, each with the match the resolver itself gives that path.

    A route is kept only if resolving its path in order lands on that same route, so no earlier
    pattern that also matches the path is skipped.
    """
    routes: dict[str, ResolverMatch] = {}
    for path, pattern in _literal_endpoints(resolver, ""):
        if not is_api_path(path):
            continue
        try:
            match = resolver.resolve(path)
        except Resolver404:  # a path the resolver refuses stays with the resolver
            continue
        if match.func is pattern.callback:
            routes[path] = match
    return routes


def _literal_endpoints(resolver: URLResolver, prefix: str) -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern) or pattern.converters:
            continue
        route = prefix + str(pattern._route)
        if isinstance(entry, URLResolver):
            found.extend(_literal_endpoints(entry, route))
        else:
            found.append(("/" + route, entry))
    return found


def _copy_match(template: ResolverMatch) -> ResolverMatch:
    """A fresh match per request (views may keep or change theirs), without re-deriving its names."""
    match: Any = object.__new__(ResolverMatch)
    match.__dict__.update(template.__dict__)
    match.kwargs = dict(template.kwargs)
    if template.captured_kwargs is not None:
        match.captured_kwargs = dict(template.captured_kwargs)
    if template.extra_kwargs is not None:
        match.extra_kwargs = dict(template.extra_kwargs)
    return match
