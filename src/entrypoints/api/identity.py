"""Identity routes: sign-up, tokens, profile, admins, merchant API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from application.identity.ports import UserFilter
from application.identity.use_cases import RegisterCommand, Session
from application.shared.errors import Unauthenticated
from domain.identity.api_key import ApiKey
from domain.identity.user import Profile, Role, User
from entrypoints.api.auth import ADMIN, ANY_USER, MERCHANT, client_ip, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import identity

auth_router = Router(tags=["auth"])
admin_router = Router(tags=["admin"])
keys_router = Router(tags=["api-keys"])

REFRESH_COOKIE = "pp_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"

SelfRole = Literal["merchant", "vendor", "customer", "distributor", "reseller"]


class ProfileIn(InputSchema):
    business_name: str = Field(default="", max_length=200)
    webhook_url: str = Field(default="", max_length=2000)
    phone: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=1000)


class ProfileOut(Schema):
    business_name: str
    webhook_url: str
    phone: str
    address: str
    is_active: bool


class UserOut(Schema):
    id: str
    email: str
    name: str
    role: str
    profile: ProfileOut
    referred_by_code: str | None
    created_at: datetime
    deleted_at: datetime | None


class RegisterIn(InputSchema):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field(default="", max_length=200)
    role: SelfRole
    referral_code: str | None = Field(default=None, max_length=32)
    profile: ProfileIn | None = None


class SessionOut(Schema):
    user: UserOut
    access: str
    refresh: str
    api_key: str | None = Field(default=None, description="Merchants only; shown once, store it now")


class LoginIn(InputSchema):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(InputSchema):
    refresh: str | None = Field(default=None, max_length=2000, description="Omit to use the refresh cookie")


class LoggedOut(Schema):
    status: str


class ProfileUpdateIn(InputSchema):
    """Fields left out stay as they are; ``null`` is refused (422), send ``""`` to clear a field."""

    # Typed ``str`` with an unvalidated default: an omitted field is None, an explicit null fails validation.
    name: str = Field(default=None, max_length=200)  # type: ignore[assignment]
    business_name: str = Field(default=None, max_length=200)  # type: ignore[assignment]
    webhook_url: str = Field(default=None, max_length=2000)  # type: ignore[assignment]
    phone: str = Field(default=None, max_length=32)  # type: ignore[assignment]
    address: str = Field(default=None, max_length=1000)  # type: ignore[assignment]


class AdminCreateIn(InputSchema):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field(default="", max_length=200)


class UserFilterQuery(PageQuery):
    role: Role | None = None
    include_deleted: bool = False
    email: str | None = Field(default=None, max_length=254)


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class ApiKeyIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)


class ApiKeyOut(Schema):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="The secret; shown only in this response")


def user_out(user: User) -> UserOut:
    profile: Profile = user.profile
    return UserOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role.value,
        profile=ProfileOut(
            business_name=profile.business_name,
            webhook_url=profile.webhook_url,
            phone=profile.phone,
            address=profile.address,
            is_active=profile.is_active,
        ),
        referred_by_code=user.referred_by_code or None,
        created_at=user.created_at,
        deleted_at=user.deleted_at,
    )


def key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id, name=key.name, prefix=key.prefix, created_at=key.created_at, last_used_at=key.last_used_at
    )


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


@auth_router.post("/register", response={201: SessionOut, **PROBLEM_RESPONSES}, operation_id="auth_register")
def auth_register(request: HttpRequest, response: HttpResponse, payload: RegisterIn) -> Status[SessionOut]:
    profile = Profile(**payload.profile.model_dump()) if payload.profile else None
    session = identity.register(
        RegisterCommand(
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


@auth_router.post("/token", response={200: SessionOut, **PROBLEM_RESPONSES}, operation_id="auth_token")
def auth_token(request: HttpRequest, response: HttpResponse, payload: LoginIn) -> SessionOut:
    session = identity.login(email=payload.email, password=payload.password, client_ip=client_ip(request))
    return _session_out(session, response)


@auth_router.post("/token/refresh", response={200: SessionOut, **PROBLEM_RESPONSES}, operation_id="auth_token_refresh")
def auth_token_refresh(request: HttpRequest, response: HttpResponse, payload: RefreshIn | None = None) -> SessionOut:
    session = identity.refresh(_refresh_token(request, payload))
    return _session_out(session, response)


@auth_router.post("/logout", response={200: LoggedOut, **PROBLEM_RESPONSES}, operation_id="auth_logout")
def auth_logout(request: HttpRequest, response: HttpResponse, payload: RefreshIn | None = None) -> LoggedOut:
    identity.logout(_refresh_token(request, payload))
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, samesite="Strict")
    return LoggedOut(status="logged_out")


@auth_router.get("/me", response={200: UserOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="auth_me")
def auth_me(request: HttpRequest) -> UserOut:
    return user_out(identity.me(principal(request)))


@auth_router.patch("/me", response={200: UserOut, **PROBLEM_RESPONSES}, auth=ANY_USER, operation_id="auth_me_update")
def auth_me_update(request: HttpRequest, payload: ProfileUpdateIn) -> UserOut:
    changes = payload.model_dump(exclude_unset=True, exclude={"name"})
    return user_out(identity.update_me(principal(request), name=payload.name, changes=changes))


@admin_router.post(
    "/users", response={201: UserOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_users_create"
)
@idempotent
def admin_users_create(request: HttpRequest, payload: AdminCreateIn) -> Status[UserOut]:
    user = identity.create_admin(principal(request), email=payload.email, password=payload.password, name=payload.name)
    return Status(201, user_out(user))


@admin_router.get("/users", response={200: UserPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_users_list")
def admin_users_list(request: HttpRequest, filters: Query[UserFilterQuery]) -> UserPage:
    page = identity.list_users(
        principal(request),
        UserFilter(role=filters.role, include_deleted=filters.include_deleted, email_contains=filters.email),
        filters.page_request(),
    )
    return UserPage(items=[user_out(u) for u in page.items], next_cursor=page.next_cursor)


@admin_router.delete(
    "/users/{user_id}", response={204: None, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_users_delete"
)
def admin_users_delete(request: HttpRequest, user_id: str) -> Status[None]:
    identity.delete_user(principal(request), _uuid_or_404(user_id))
    return Status(204, None)


@keys_router.post(
    "/api-keys", response={201: ApiKeyCreatedOut, **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="api_keys_create"
)
@idempotent
def api_keys_create(request: HttpRequest, payload: ApiKeyIn) -> Status[ApiKeyCreatedOut]:
    created = identity.create_api_key(principal(request), payload.name)
    base = key_out(created.key)
    return Status(201, ApiKeyCreatedOut(**base.model_dump(), key=created.plaintext))


@keys_router.get(
    "/api-keys", response={200: list[ApiKeyOut], **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="api_keys_list"
)
def api_keys_list(request: HttpRequest) -> list[ApiKeyOut]:
    return [key_out(k) for k in identity.list_api_keys(principal(request))]


@keys_router.delete(
    "/api-keys/{key_id}", response={204: None, **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="api_keys_revoke"
)
def api_keys_revoke(request: HttpRequest, key_id: str) -> Status[None]:
    identity.revoke_api_key(principal(request), _uuid_or_404(key_id))
    return Status(204, None)


def _uuid_or_404(raw: str) -> str:
    """A malformed id names nothing: 404, like any id the caller may not see."""
    import uuid

    from application.shared.errors import NotFound

    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise NotFound("No such resource") from None
