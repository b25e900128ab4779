"""What the identity use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.identity.api_key import ApiKey
from domain.identity.user import Profile, Role, User


@dataclass(frozen=True, slots=True)
class UserFilter:
    role: Role | None = None
    include_deleted: bool = False
    email_contains: str | None = None


class UserRepository(Protocol):
    def email_taken(self, email: str) -> bool: ...

    def add(self, user: User, *, password: str) -> None:
        """Stores the user with the password hashed (Argon2); the plaintext is not kept."""
        ...

    def get(self, user_id: str, *, include_deleted: bool = False) -> User | None: ...

    def check_credentials(self, email: str, password: str) -> User | None:
        """The live user with these credentials, or None; unknown emails cost the same time."""
        ...

    def update_profile(self, user_id: str, *, name: str | None, profile: Profile) -> None: ...

    def soft_delete(self, user_id: str, *, at: datetime) -> bool: ...

    def list(self, filters: UserFilter, page: PageRequest) -> Page[User]: ...


class PasswordPolicy(Protocol):
    def problems(self, password: str, *, email: str, name: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: str
    refresh: str


class TokenService(Protocol):
    def issue(self, user_id: str) -> TokenPair: ...

    def rotate(self, refresh: str) -> tuple[str, TokenPair]:
        """Blacklists ``refresh`` and returns (user id, new pair); a reused token raises."""
        ...

    def revoke(self, refresh: str) -> None: ...

    def revoke_all_for_user(self, user_id: str) -> None: ...

    def access_user_id(self, access: str) -> str | None:
        """The user an access token was issued to; None when it is invalid or expired."""
        ...

    def flush_expired(self) -> int:
        """Forgets refresh tokens past their expiry (they can no longer be used); returns how many."""
        ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey, *, key_hash: str) -> None: ...

    def list_for_user(self, user_id: str) -> list[ApiKey]: ...

    def revoke(self, key_id: str, *, user_id: str, at: datetime) -> bool: ...

    def revoke_all_for_user(self, user_id: str, *, at: datetime) -> None: ...

    def find_active_by_hash(self, key_hash: str) -> tuple[ApiKey, Role] | None:
        """The live key and its owner's role; revoked keys and deleted owners never match."""
        ...

    def touch(self, key_id: str, *, at: datetime) -> None: ...


class ReferralDirectory(Protocol):
    def is_known_code(self, code: str) -> bool: ...


class RateLimiter(Protocol):
    def hit(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        """Counts one hit; returns None if allowed, else the seconds until a retry can succeed."""
        ...

    def blocked(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        """Like hit without counting: None if a hit would be allowed now."""
        ...


class DemoAccounts(Protocol):
    """The demo's accounts (``load_demo_data``, tests) with known passwords and keys, created once."""

    def ensure_user(self, *, email: str, password: str, name: str, role: str, business_name: str) -> tuple[User, bool]:
        """The account with ``email`` (deleted ones too), created if missing: (user, created)."""
        ...

    def ensure_api_key(self, *, user_id: str, plaintext: str, name: str) -> None: ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    api_keys: ApiKeyRepository
