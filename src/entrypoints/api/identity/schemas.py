"""Identity's request and response schemas and their mappers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from application.shared.errors import NotFound
from domain.identity.api_key import ApiKey
from domain.identity.user import Profile, Role, User
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema

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


def uuid_or_404(raw: str) -> str:
    """A malformed id in a path names nothing: 404, like any id the caller may not see."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise NotFound("No such resource") from None
