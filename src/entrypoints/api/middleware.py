"""Request context (id, access log) and the guarantee that every error is problem+json."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

import structlog
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from domain.shared.ids import random_bytes
from entrypoints.api.problems import PROBLEM_CONTENT_TYPE, problem_response

log = structlog.get_logger("partnerpay.http")
_access_log = logging.getLogger("partnerpay.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# uuid.uuid4().hex without building a UUID object (a third of this middleware's time): the same 122
# random bits with the version (4) and RFC 4122 variant bits set, as 32 hex digits, from the ids' buffered
# randomness (domain/shared/ids.py).
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def new_request_id() -> str:
    return f"{(int.from_bytes(random_bytes(16)) & _UUID4_CLEAR) | _UUID4_SET:032x}"


# Paths whose senders post forms (SSLCommerz IPN and browser returns) rather than JSON.
FORM_PATH_PREFIXES = ("/api/v1/webhooks/sslcommerz", "/api/v1/gateways/", "/simulators/", "/admin/", "/portal/")
BODY_METHODS = {"POST", "PUT", "PATCH"}
# Server-rendered HTML pages (the partner portal): their own forms, error pages and statuses.
HTML_PATH_PREFIXES = ("/portal/",)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From META, not request.headers: that builds a dict of every header, on every request.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        # Straight into the header store: the id is ASCII without line breaks (the pattern above, or hex),
        # which is all ResponseHeaders would check.
        response.headers._store["x-request-id"] = ("X-Request-ID", request_id)
        # The access line is built only when it is written (LOG_LEVEL=WARNING drops it: a filtered
        # structlog call still runs its processor chain up to the level filter).
        if _access_log.isEnabledFor(logging.INFO):
            log.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
        structlog.contextvars.clear_contextvars()
        return response


class ProblemDetailsMiddleware:
    """Refuses oversized and wrongly typed bodies up front and rewrites any non-JSON error.

    Django's own 404/405/500 pages are HTML; clients of a JSON API must never see them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        early = self._refuse_body(request) or _refuse_nul(request)
        if early is not None:
            return early
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response) and not request.path.startswith(HTML_PATH_PREFIXES):
            return _rewrite(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
        from django.http import Http404

        if isinstance(exception, RequestDataTooBig):
            return _too_large()
        if isinstance(exception, PermissionDenied):
            return problem_response(403, "forbidden", "You are not allowed to do this")
        if isinstance(exception, Http404):
            return problem_response(404, "not_found", "No such resource")
        if is_nul_error(exception):
            return nul_problem()
        if isinstance(exception, SuspiciousOperation):
            return problem_response(400, "bad_request", "The request could not be understood")
        log.exception("unhandled_exception", path=request.path)
        return problem_response(500, "internal_error", "An unexpected error occurred; it has been logged.")

    def _refuse_body(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in BODY_METHODS:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, "bad_request", "Content-Length is not a number")
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return _too_large()
        if length == 0 or request.path.startswith(FORM_PATH_PREFIXES):
            return None
        content_type = (request.content_type or "").lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            return problem_response(
                415,
                "unsupported_media_type",
                "Send the request body as application/json",
                title="Unsupported Media Type",
            )
        return None


def _refuse_nul(request: HttpRequest) -> HttpResponse | None:
    """NUL in a query string is refused before any view runs: PostgreSQL text cannot hold it.

    NUL in a body reaches the views, whose own validation names the field; whatever slips through to
    the database is turned into the same 422 by ``nul_problem`` below instead of a 500.
    """
    query = request.META.get("QUERY_STRING", "").lower()
    if "%00" not in query and "\x00" not in query:
        return None
    return nul_problem("query")


def is_nul_error(exc: BaseException) -> bool:
    """PostgreSQL's refusal of NUL in text (psycopg's DataError, or the ValueError some drivers raise),
    or of ``\u0000`` in a jsonb value (SQLSTATE 22P05, untranslatable character)."""
    if isinstance(exc, DatabaseError) and getattr(exc.__cause__, "sqlstate", None) == "22P05":
        return True
    return isinstance(exc, ValueError | DatabaseError) and "NUL (0x00)" in str(exc)


def nul_problem(where: str = "body") -> HttpResponse:
    return problem_response(
        422,
        "validation_error",
        f"{where}: text may not contain NUL characters",
        errors=[{"field": where, "message": "text may not contain NUL characters", "type": "nul_character"}],
    )


def _is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.startswith(("application/json", PROBLEM_CONTENT_TYPE))


def _too_large() -> HttpResponse:
    limit = settings.MAX_REQUEST_BODY_BYTES
    return problem_response(413, "payload_too_large", f"Request bodies are limited to {limit} bytes")


_CODES = {
    400: ("bad_request", "The request could not be understood"),
    401: ("unauthenticated", "Authentication is required"),
    403: ("forbidden", "You are not allowed to do this"),
    404: ("not_found", "No such resource"),
    405: ("method_not_allowed", "This method is not allowed on this resource"),
    413: ("payload_too_large", "The request body is too large"),
}


def _rewrite(response: HttpResponse) -> HttpResponse:
    status = response.status_code
    code, detail = _CODES.get(status, ("internal_error" if status >= 500 else "error", "The request failed"))
    headers = {}
    if status == 405 and response.has_header("Allow"):
        headers["Allow"] = response["Allow"]
    return problem_response(status, code, detail, headers=headers)


class AdminLoginLimitMiddleware:
    """The Django admin's login form shares the API's login limits (per IP and per account)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != "/admin/login/":
            return self.get_response(request)
        from application.shared.errors import RateLimited
        from entrypoints.api.auth import client_ip
        from entrypoints.bootstrap import container

        email = str(request.POST.get("username", ""))[:254]
        try:
            container().identity.login_gate(email=email, client_ip=client_ip(request))
        except RateLimited as exc:
            return problem_response(429, "rate_limited", exc.message, headers={"Retry-After": str(exc.retry_after)})
        response = self.get_response(request)
        if response.status_code == 200:  # the form came back: the credentials were refused
            container().identity.login_failed(email=email)
        return response
