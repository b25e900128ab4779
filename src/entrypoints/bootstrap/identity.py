"""Identity wiring: real adapters for the identity use cases."""

from __future__ import annotations

from typing import Any

from adapters.cache.rate_limit import SlidingWindowLimiter, parse_rate
from adapters.django_orm.identity.policies import DjangoPasswordPolicy
from adapters.django_orm.identity.repositories import (
    DjangoApiKeyRepository,
    DjangoUserRepository,
    NoResellerDirectory,
)
from adapters.django_orm.identity.tokens import JwtTokenService, flush_expired_tokens
from application.identity import use_cases
from application.identity.ports import ReferralDirectory, UserFilter
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal, User
from entrypoints.bootstrap import Container, container, setting

tokens = JwtTokenService()
users = DjangoUserRepository()
api_keys = DjangoApiKeyRepository()
limiter = SlidingWindowLimiter()


def access_limits() -> use_cases.AccessLimits:
    """LOGIN_RATE_PER_IP, LOGIN_RATE_PER_ACCOUNT, SIGNUP_RATE_PER_IP; read per call (tests change them)."""

    def limit(name: str, default: str) -> use_cases.Limit:
        count, window = parse_rate(str(setting(name, default)))
        return use_cases.Limit(count, window)

    return use_cases.AccessLimits(
        login_per_ip=limit("LOGIN_RATE_PER_IP", "5/minute"),
        login_failures_per_account=limit("LOGIN_RATE_PER_ACCOUNT", "10/15m"),
        signup_per_ip=limit("SIGNUP_RATE_PER_IP", "10/hour"),
    )


password_policy = DjangoPasswordPolicy()
_referrals: list[ReferralDirectory] = [NoResellerDirectory()]


def wire(built: Container) -> None:
    """Identity has no outbox handlers of its own."""


def set_referral_directory(directory: ReferralDirectory) -> None:
    """The earnings context installs the real directory when it is wired."""
    _referrals[0] = directory


def _uow() -> Any:
    return container().uow(users=users, api_keys=api_keys)


def register(command: use_cases.RegisterCommand) -> use_cases.Session:
    return use_cases.user_register(
        uow=_uow(),
        command=command,
        policy=password_policy,
        tokens=tokens,
        referrals=_referrals[0],
        limiter=limiter,
        clock=container().clock,
        limits=access_limits(),
    )


def login(*, email: str, password: str, client_ip: str) -> use_cases.Session:
    return use_cases.user_login(
        users=users,
        email=email,
        password=password,
        client_ip=client_ip,
        tokens=tokens,
        limiter=limiter,
        limits=access_limits(),
    )


def refresh(raw: str) -> use_cases.Session:
    return use_cases.token_refresh(users=users, refresh=raw, tokens=tokens)


def logout(raw: str) -> None:
    use_cases.token_logout(refresh=raw, tokens=tokens)


def me(principal: Principal) -> User:
    return use_cases.user_get(users=users, principal=principal)


def update_me(principal: Principal, *, name: str | None, changes: dict[str, object]) -> User:
    return use_cases.profile_update(uow=_uow(), principal=principal, name=name, changes=changes)


def create_admin(principal: Principal, *, email: str, password: str, name: str) -> User:
    return use_cases.admin_create(
        uow=_uow(),
        principal=principal,
        email=email,
        password=password,
        name=name,
        policy=password_policy,
        clock=container().clock,
    )


def list_users(principal: Principal, filters: UserFilter, page: PageRequest) -> Page[User]:
    return use_cases.users_list(users=users, principal=principal, filters=filters, page=page)


def delete_user(principal: Principal, user_id: str) -> None:
    use_cases.user_soft_delete(uow=_uow(), principal=principal, user_id=user_id, tokens=tokens, clock=container().clock)


def create_api_key(principal: Principal, name: str) -> use_cases.CreatedApiKey:
    return use_cases.api_key_create(uow=_uow(), principal=principal, name=name, clock=container().clock)


def list_api_keys(principal: Principal) -> list[Any]:
    return use_cases.api_keys_list(keys=api_keys, principal=principal)


def revoke_api_key(principal: Principal, key_id: str) -> None:
    use_cases.api_key_revoke(uow=_uow(), principal=principal, key_id=key_id, clock=container().clock)


def principal_from_api_key(plaintext: str) -> Principal | None:
    return use_cases.api_key_authenticate(keys=api_keys, plaintext=plaintext, clock=container().clock)


def principal_from_access_token(raw: str) -> Principal | None:
    user_id = tokens.access_user_id(raw)
    if user_id is None:
        return None
    user = users.get(user_id)
    if user is None:
        return None
    return Principal(user_id=user.id, role=user.role)


def flush_tokens() -> int:
    return flush_expired_tokens()


def ensure_demo_user(*, email: str, password: str, name: str, role: str, business_name: str = "") -> tuple[User, bool]:
    """Idempotent demo/bootstrap helper used by ``load_demo_data``: returns (user, created)."""
    from adapters.django_orm.identity.models import RoleProfile
    from adapters.django_orm.identity.models import User as UserRow
    from adapters.django_orm.identity.repositories import user_to_domain

    row = UserRow.all_objects.filter(email__iexact=email).first()
    if row is not None:
        return user_to_domain(row), False
    manager = UserRow.objects
    row = (
        manager.create_superuser(email, password, name=name)
        if role == "admin"
        else manager.create_user(email, password, name=name, role=role)
    )
    RoleProfile.objects.create(user=row, business_name=business_name)
    return user_to_domain(row), True


def ensure_demo_api_key(user_id: str, plaintext: str, name: str = "demo") -> None:
    """Stores a known key for the demo merchant so the printed credentials keep working across runs."""
    from adapters.django_orm.identity.models import ApiKey as ApiKeyRow
    from domain.identity.api_key import DISPLAY_PREFIX_LENGTH, hash_api_key

    ApiKeyRow.objects.get_or_create(
        key_hash=hash_api_key(plaintext),
        defaults={"user_id": user_id, "name": name, "prefix": plaintext[:DISPLAY_PREFIX_LENGTH]},
    )


def admin_login_gate(*, email: str, client_ip: str) -> None:
    """The Django admin's login shares the API's login limits (raises RateLimited)."""
    use_cases.login_gate(limiter=limiter, limits=access_limits(), email=email, client_ip=client_ip)


def admin_login_failed(email: str) -> None:
    use_cases.login_failed(limiter=limiter, limits=access_limits(), email=email)
