"""Log in, log out, the home redirect by role, and what a stale CSRF token or unknown page gets."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_http_methods, require_POST

from application.identity.use_cases import RegisterCommand
from application.shared.errors import ApplicationError, RateLimited, Unauthenticated
from domain.identity.user import Principal, Profile, Role
from domain.shared.errors import DomainError
from entrypoints.api.auth import client_ip
from entrypoints.api.identity.schemas import RegisterIn
from entrypoints.bootstrap import container
from entrypoints.portal.views.merchant import api_keys_page
from entrypoints.portal.web import (
    PORTAL_ROLES,
    SESSION_SECONDS,
    SESSION_USER,
    FormErrors,
    error_page,
    page,
    portal_view,
    principal_of,
    problem_of,
    session_principal,
    validate,
)

HOME_BY_ROLE = {
    Role.MERCHANT: "portal:merchant_dashboard",
    Role.RESELLER: "portal:reseller_dashboard",
    Role.VENDOR: "portal:vendor_services",
}


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and session_principal(request) is not None:
        return HttpResponseRedirect(reverse("portal:home"))
    context: dict[str, object] = {"email": "", "next": _safe_next(request) or ""}
    if request.method == "GET":
        return page(request, "portal/login.html", context)
    email = request.POST.get("email", "").strip()
    password = request.POST.get("password", "")
    context["email"] = email
    try:
        user = container().identity.user_authenticate(email=email, password=password, client_ip=client_ip(request))
    except RateLimited as exc:
        context.update(error=exc.message, code=exc.code)
        response = page(request, "portal/login.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except Unauthenticated as exc:
        context.update(error=exc.message, code=exc.code)
        return page(request, "portal/login.html", context, status=401)
    if user.role not in PORTAL_ROLES:
        context.update(error="The partner portal is for merchants, vendors and resellers.", code="forbidden")
        return page(request, "portal/login.html", context, status=403)
    # A new session id and CSRF token at sign-in (no session fixation).
    request.session.flush()
    request.session[SESSION_USER] = user.id
    request.session.set_expiry(SESSION_SECONDS)
    rotate_token(request)
    return HttpResponseRedirect(_safe_next(request) or reverse(HOME_BY_ROLE[user.role]))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    messages.info(request, "You are logged out.")
    return HttpResponseRedirect(reverse("portal:login"))


@portal_view()
def home(request: HttpRequest) -> HttpResponse:
    role = principal_of(request).role
    if role not in HOME_BY_ROLE:
        return error_page(request, 403, "The partner portal is for merchants, vendors and resellers.")
    return HttpResponseRedirect(reverse(HOME_BY_ROLE[role]))


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_page(request, 404, "No such page")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Settings' CSRF_FAILURE_VIEW: in the portal, back to the login page with a message; elsewhere Django's."""
    if not request.path.startswith("/portal/"):
        return django_csrf_failure(request, reason)
    request.session.flush()
    messages.warning(request, "Your form had expired (its security token was out of date). Please log in again.")
    return HttpResponseRedirect(reverse("portal:login"))


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up for merchants, vendors and resellers (POST /auth/register's use case); the referral link lands here."""
    names = ("email", "name", "role", "business_name", "referral_code")
    form = {name: request.GET.get(name, "").strip() for name in names}
    form["role"] = form["role"] or "merchant"
    errors = FormErrors()
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in names}
        body = {k: v for k, v in form.items() if v and k != "business_name"}
        body["password"] = request.POST.get("password", "")
        if form["business_name"]:
            body["profile"] = {"business_name": form["business_name"]}
        payload, errors = validate(RegisterIn, body)
        if payload is not None and payload.role not in {r.value for r in PORTAL_ROLES}:
            errors = FormErrors(detail="The portal signs up merchants, vendors and resellers", code="role_not_allowed")
        elif payload is not None:
            try:
                session = container().identity.user_register(
                    command=RegisterCommand(
                        email=payload.email,
                        password=payload.password,
                        name=payload.name,
                        role=payload.role,
                        referral_code=payload.referral_code,
                        profile=Profile(business_name=form["business_name"]),
                        client_ip=client_ip(request),
                    )
                )
            except RateLimited as exc:
                errors = problem_of(exc)
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                # The API answers tokens; the portal opens a session instead and lets the tokens expire unused.
                container().identity.token_logout(refresh=session.tokens.refresh)
                request.session.flush()
                request.session[SESSION_USER] = session.user.id
                request.session.set_expiry(SESSION_SECONDS)
                rotate_token(request)
                if session.api_key:
                    # The merchant's first key, shown in this response only (never stored in plaintext).
                    request.principal = Principal(user_id=session.user.id, role=session.user.role)  # type: ignore[attr-defined]
                    request.portal_user = session.user  # type: ignore[attr-defined]
                    messages.success(
                        request, "Welcome! This is your first API key: copy it now, it is shown only once."
                    )
                    new_key = {"name": "default", "key": session.api_key}
                    return api_keys_page(request, form={"name": ""}, errors=FormErrors(), new_key=new_key, status=201)
                return HttpResponseRedirect(reverse("portal:home"))
    return page(
        request, "portal/signup.html", {"form": form, "errors": errors}, status=errors.status if errors else 200
    )
