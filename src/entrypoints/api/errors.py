"""Exception handlers: every failure leaves the API as problem+json with a stable code."""

from __future__ import annotations

from typing import Any

import structlog
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from application.shared.errors import ApplicationError, RateLimited
from domain.shared.errors import DomainError
from entrypoints.api.problems import STATUS_BY_KIND, problem_response

log = structlog.get_logger("partnerpay.api")

# Parameter wrapper names ninja puts into error locations; clients only care about the field.
_LOCATION_ROOTS = {"body", "query", "path", "header", "form", "cookie", "file"}


def error_response(exc: ApplicationError | DomainError) -> HttpResponse:
    status = STATUS_BY_KIND.get(exc.kind, 400)
    errors = None
    if exc.field and status == 422:
        errors = [{"field": exc.field, "message": exc.message, "type": exc.code}]
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    extra = getattr(exc, "extra", None) or None
    return problem_response(status, exc.code, exc.message, errors=errors, headers=headers, extra=extra)


def _field_name(location: list[Any]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in _LOCATION_ROOTS:
        parts = parts[1:]
        # ninja nests a body under the view's parameter name (``payload``); drop it.
        if len(parts) > 1 and parts[0] in {"payload", "body", "data", "filters", "params"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for error in errors:
        message = str(error.get("msg", "invalid"))
        # pydantic prefixes messages from our own validators with "Value error, ".
        message = message.removeprefix("Value error, ")
        out.append(
            {"field": _field_name(list(error.get("loc", []))), "message": message, "type": str(error.get("type", ""))}
        )
    return out


def install_exception_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_errors(exc.errors)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in fields[:5])
        return problem_response(422, "validation_error", detail or "Invalid input", errors=fields)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            401, "unauthenticated", "Valid credentials are required", headers={"WWW-Authenticate": "Bearer"}
        )

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = str(int(exc.wait or 1))
        return problem_response(429, "rate_limited", "Too many requests", headers={"Retry-After": wait})

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse request body" in exc.message:
            return problem_response(400, "malformed_json", "The request body is not valid JSON")
        code = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}.get(
            exc.status_code, "error"
        )
        return problem_response(exc.status_code, code, exc.message)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(404, "not_found", "No such resource")

    @api.exception_handler(ApplicationError)
    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return error_response(exc)

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(exc)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem_response(413, "payload_too_large", "The request body is too large")

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        from entrypoints.api.middleware import is_nul_error, nul_problem

        if is_nul_error(exc):
            # Rolled back with the request's transaction: nothing is stored.
            return nul_problem()
        log.exception("unhandled_exception", path=request.path)
        return problem_response(500, "internal_error", "An unexpected error occurred; it has been logged.")
