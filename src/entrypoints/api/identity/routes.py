"""Sign-up, tokens (issued, rotated, revoked; the refresh token also as an HttpOnly cookie), the profile."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from application.identity.services import IdentityServices
from application.identity.use_cases import RegisterCommand, Session
from application.shared.errors import Unauthenticated
from domain.identity.user import Profile
from entrypoints.api.auth import ANY_USER, client_ip, principal
from entrypoints.api.identity.schemas import (
    LoggedOut,
    LoginIn,
    ProfileUpdateIn,
    RefreshIn,
    RegisterIn,
    SessionOut,
    UserOut,
    user_out,
)
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["auth"])

REFRESH_COOKIE = "pp_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"


def identity() -> IdentityServices:
    return container().identity


def _session_out(session: Session, response: HttpResponse) -> SessionOut:
    response.set_cookie(
        REFRESH_COOKIE,
        session.tokens.refresh,
        max_age=int(settings.NINJA_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()),
        path=REFRESH_COOKIE_PATH,
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Strict",
    )
    return SessionOut(
        user=user_out(session.user),
        access=session.tokens.access,
        refresh=session.tokens.refresh,
        api_key=session.api_key,
    )


def _refresh_token(request: HttpRequest, payload: RefreshIn | None) -> str:
    raw = (payload.refresh if payload else None) or request.COOKIES.get(REFRESH_COOKIE)
    if not raw:
        raise Unauthenticated("No refresh token in the body or cookie", code="invalid_token")
    return raw


@router.post("/register", response={201: SessionOut, **PROBLEM_RESPONSES}, operation_id="auth_register")
def auth_register(request: HttpRequest, response: HttpResponse, payload: RegisterIn) -> Status[SessionOut]:
    profile = Profile(**payload.profile.model_dump()) if payload.profile else None
    session = identity().user_register(
        command=RegisterCommand(
            email=payload.email,
            password=payload.password,
            name=payload.name,
            role=payload.role,
            referral_code=payload.referral_code,
            profile=profile,
            client_ip=client_ip(request),
        )
    )
    return Status(201, _session_out(session, response))


@router.post("/token", response={200: SessionOut, **PROBLEM_RESPONSES}, operation_id="auth_token")
def auth_token(request: HttpRequest, response: HttpResponse, payload: LoginIn) -> SessionOut:
    session = identity().user_login(email=payload.email, password=payload.password, client_ip=client_ip(request))
    return _session_out(session, response)


@router.post("/token/refresh", response={200: SessionOut, **PROBLEM_RESPONSES}, operation_id="auth_token_refresh")
def auth_token_refresh(request: HttpRequest, response: HttpResponse, payload: RefreshIn | None = None) -> SessionOut:
    session = identity().token_refresh(refresh=_refresh_token(request, payload))
    return _session_out(session, response)


@router.post("/logout", response={200: LoggedOut, **PROBLEM_RESPONSES}, operation_id="auth_logout")
def auth_logout(request: HttpRequest, response: HttpResponse, payload: RefreshIn | None = None) -> LoggedOut:
    identity().token_logout(refresh=_refresh_token(request, payload))
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, samesite="Strict")
    return LoggedOut(status="logged_out")


@router.get("/me", response={200: UserOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="auth_me")
def auth_me(request: HttpRequest) -> UserOut:
    return user_out(identity().user_get(principal=principal(request)))


@router.patch("/me", response={200: UserOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="auth_me_update")
def auth_me_update(request: HttpRequest, payload: ProfileUpdateIn) -> UserOut:
    changes = payload.model_dump(exclude_unset=True, exclude={"name"})
    return user_out(identity().profile_update(principal=principal(request), name=payload.name, changes=changes))
