"""What every portal view shares: the session principal, role checks, error pages and form errors.

The session holds only the user id; each request re-reads the user through the identity use case,
so a deleted account is logged out at once. Another owner's object is a 404 page and a role's
forbidden page a 403 page, as in the API, because the same use cases raise the same errors.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from pydantic import BaseModel, ValidationError

from application.shared.errors import ApplicationError, NotFound, Unauthenticated
from application.shared.pagination import PageRequest
from domain.identity.user import Principal, Role, User
from domain.shared.errors import DomainError
from entrypoints.api.errors import validation_errors
from entrypoints.api.problems import STATUS_BY_KIND
from entrypoints.bootstrap import container

SESSION_USER = "portal_user_id"
PORTAL_ROLES = frozenset({Role.MERCHANT, Role.RESELLER, Role.VENDOR})
SESSION_SECONDS = 12 * 3600

View = Callable[..., HttpResponse]
M = TypeVar("M", bound=BaseModel)


@dataclass
class FormErrors:
    """The API's problem detail for a form: the top message, the code, and messages per field."""

    detail: str = ""
    code: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    status: int = 422

    def __bool__(self) -> bool:
        return bool(self.detail or self.fields)


def problem_of(exc: ApplicationError | DomainError) -> FormErrors:
    status = STATUS_BY_KIND.get(exc.kind, 400)
    fields = {exc.field: exc.message} if exc.field else {}
    return FormErrors(detail=exc.message, code=exc.code, fields=fields, status=status)


def validate(schema: type[M], data: dict[str, Any]) -> tuple[M | None, FormErrors]:
    """Validates a form with the API's input schema, so the rules and the messages are the API's."""
    try:
        return schema.model_validate(data), FormErrors()
    except ValidationError as exc:
        errors = validation_errors(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        )
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return None, FormErrors(
            detail=detail or "Invalid input", code="validation_error", fields={e["field"]: e["message"] for e in errors}
        )


def form_data(request: HttpRequest, *names: str) -> dict[str, str]:
    """The posted fields, stripped; empty optional fields are left out so the schema's defaults apply."""
    return {name: request.POST.get(name, "").strip() for name in names if request.POST.get(name, "").strip() != ""}


NAV = {
    "merchant_dashboard": "dashboard",
    "merchant_order": "orders",
    "merchant_payment": "payments",
    "merchant_delivery": "webhooks",
    "merchant_webhook": "webhooks",
    "merchant_api_key": "keys",
    "reseller_dashboard": "dashboard",
    "reseller_commission": "commissions",
    "reseller_invoice": "invoices",
    "reseller_payout": "payouts",
    "reseller_lead": "leads",
    "reseller_referral": "referrals",
    "reseller_activity": "activity",
    "vendor_service": "services",
    "vendor_variant": "services",
    "vendor_order": "vendor_orders",
}


def _nav(request: HttpRequest) -> str:
    name = getattr(request.resolver_match, "url_name", "") or ""
    for prefix, item in NAV.items():
        if name.startswith(prefix):
            return item
    return ""


def page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    context = {"nav": _nav(request), **(context or {})}
    return render(request, template, context, status=status)


def error_page(request: HttpRequest, status: int, message: str, *, code: str = "") -> HttpResponse:
    titles = {403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Invalid request", 429: "Too many requests"}
    context = {"status": status, "title": titles.get(status, "Error"), "message": message, "code": code}
    return page(request, "portal/error.html", context, status=status)


def login_redirect(request: HttpRequest, message: str) -> HttpResponse:
    messages.warning(request, message)
    target = reverse("portal:login")
    if request.method == "GET" and request.path != reverse("portal:home"):
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)


def session_principal(request: HttpRequest) -> tuple[Principal, User] | None:
    user_id = request.session.get(SESSION_USER)
    if not user_id:
        return None
    try:
        # Only the id is trusted from the session; the role is read again with the user.
        user = container().identity.user_get(principal=Principal(user_id=str(user_id), role=Role.CUSTOMER))
    except Unauthenticated:
        request.session.flush()
        return None
    return Principal(user_id=user.id, role=user.role), user


def portal_view(*roles: Role) -> Callable[[View], View]:
    """Requires a portal session (and one of ``roles`` if given); maps application errors to pages."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            found = session_principal(request)
            if found is None:
                had_session = bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
                return login_redirect(
                    request,
                    "Your session has expired; please log in again." if had_session else "Please log in to continue.",
                )
            principal, user = found
            request.principal = principal  # type: ignore[attr-defined]
            request.portal_user = user  # type: ignore[attr-defined]
            if roles and principal.role not in roles:
                return error_page(request, 403, "Your role cannot do this")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return error_page(request, 404, exc.message)
            except (ApplicationError, DomainError) as exc:
                # What no form on the page handles (a forged cursor, a conflict): the API's problem in words.
                problem = problem_of(exc)
                return error_page(request, problem.status, exc.message, code=problem.code)

        return wrapper

    return decorate


def principal_of(request: HttpRequest) -> Principal:
    found: Principal = request.principal  # type: ignore[attr-defined]
    return found


def uuid_or_404(raw: str) -> str:
    """A malformed id names nothing: 404, like any id the caller may not see (as the API does)."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise NotFound("No such resource") from None


def page_request(request: HttpRequest, limit: int = 20) -> PageRequest:
    """The cursor of a list page (?cursor=), as the API reads it; a forged cursor is the API's error."""
    return PageRequest.build(limit=limit, cursor=request.GET.get("cursor") or None)
