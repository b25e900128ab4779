"""Users: one identity for every actor, distinguished by role."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidValue


class Role(StrEnum):
    ADMIN = "admin"
    MERCHANT = "merchant"
    VENDOR = "vendor"
    CUSTOMER = "customer"
    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"


# Admins are created only by admins; everyone else may sign up.
SELF_REGISTERABLE_ROLES = frozenset(Role) - {Role.ADMIN}
# Roles whose sign-up may carry a reseller's referral code (seed 003).
REFERRABLE_ROLES = frozenset({Role.MERCHANT, Role.VENDOR, Role.DISTRIBUTOR})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValue("Enter a valid email address", code="invalid_email", field="email")
    return email


@dataclass(frozen=True, slots=True)
class Profile:
    business_name: str = ""
    webhook_url: str = ""
    phone: str = ""
    address: str = ""
    is_active: bool = True


@dataclass(slots=True)
class User:
    id: str
    email: str
    name: str
    role: Role
    created_at: datetime
    profile: Profile = field(default_factory=Profile)
    referred_by_code: str = ""
    deleted_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: resolved from a JWT access token or a merchant API key."""

    user_id: str
    role: Role
    api_key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
