"""Identity's use cases bound to their adapters: what routers, the portal, tasks and commands call.

The composition root builds one ``IdentityServices`` with Django adapters; tests may build it with fakes.
Each method keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.identity import use_cases
from application.identity.ports import (
    ApiKeyRepository,
    DemoAccounts,
    IdentityUnitOfWork,
    PasswordPolicy,
    RateLimiter,
    ReferralDirectory,
    TokenService,
    UserFilter,
    UserRepository,
)
from application.shared.pagination import Page, PageRequest
from domain.identity.api_key import ApiKey
from domain.identity.user import Principal, User
from domain.shared.clock import Clock


@dataclass(slots=True)
class IdentityServices:
    uow: Callable[[], IdentityUnitOfWork]
    users: UserRepository
    api_keys: ApiKeyRepository
    tokens: TokenService
    policy: PasswordPolicy
    # Which referral codes sign-up accepts: earnings' approved resellers (adapters/bridges/reseller_codes.py).
    referrals: ReferralDirectory
    limiter: RateLimiter
    demo: DemoAccounts
    clock: Clock
    limits: use_cases.AccessLimits

    # --- sign-up, sign-in, tokens ---------------------------------------------------------------

    def user_register(self, *, command: use_cases.RegisterCommand) -> use_cases.Session:
        return use_cases.user_register(
            uow=self.uow(),
            command=command,
            policy=self.policy,
            tokens=self.tokens,
            referrals=self.referrals,
            limiter=self.limiter,
            clock=self.clock,
            limits=self.limits,
        )

    def user_login(self, *, email: str, password: str, client_ip: str) -> use_cases.Session:
        return use_cases.user_login(
            users=self.users,
            email=email,
            password=password,
            client_ip=client_ip,
            tokens=self.tokens,
            limiter=self.limiter,
            limits=self.limits,
        )

    def user_authenticate(self, *, email: str, password: str, client_ip: str) -> User:
        return use_cases.user_authenticate(
            users=self.users,
            email=email,
            password=password,
            client_ip=client_ip,
            tokens=self.tokens,
            limiter=self.limiter,
            limits=self.limits,
        )

    def login_gate(self, *, email: str, client_ip: str) -> str:
        """The Django admin's login shares the API's login limits (raises RateLimited)."""
        return use_cases.login_gate(limiter=self.limiter, limits=self.limits, email=email, client_ip=client_ip)

    def login_failed(self, *, email: str) -> None:
        use_cases.login_failed(limiter=self.limiter, limits=self.limits, email=email)

    def token_refresh(self, *, refresh: str) -> use_cases.Session:
        return use_cases.token_refresh(users=self.users, refresh=refresh, tokens=self.tokens)

    def token_logout(self, *, refresh: str) -> None:
        use_cases.token_logout(refresh=refresh, tokens=self.tokens)

    def tokens_flush_expired(self) -> int:
        return self.tokens.flush_expired()

    def access_token_authenticate(self, *, raw: str) -> Principal | None:
        return use_cases.access_token_authenticate(users=self.users, tokens=self.tokens, raw=raw)

    # --- accounts -------------------------------------------------------------------------------

    def user_get(self, *, principal: Principal) -> User:
        return use_cases.user_get(users=self.users, principal=principal)

    def profile_update(self, *, principal: Principal, name: str | None, changes: dict[str, object]) -> User:
        return use_cases.profile_update(uow=self.uow(), principal=principal, name=name, changes=changes)

    def admin_create(self, *, principal: Principal, email: str, password: str, name: str) -> User:
        return use_cases.admin_create(
            uow=self.uow(),
            principal=principal,
            email=email,
            password=password,
            name=name,
            policy=self.policy,
            clock=self.clock,
        )

    def users_list(self, *, principal: Principal, filters: UserFilter, page: PageRequest) -> Page[User]:
        return use_cases.users_list(users=self.users, principal=principal, filters=filters, page=page)

    def user_soft_delete(self, *, principal: Principal, user_id: str) -> None:
        use_cases.user_soft_delete(
            uow=self.uow(), principal=principal, user_id=user_id, tokens=self.tokens, clock=self.clock
        )

    # --- API keys -------------------------------------------------------------------------------

    def api_key_create(self, *, principal: Principal, name: str) -> use_cases.CreatedApiKey:
        return use_cases.api_key_create(uow=self.uow(), principal=principal, name=name, clock=self.clock)

    def api_keys_list(self, *, principal: Principal) -> list[ApiKey]:
        return use_cases.api_keys_list(keys=self.api_keys, principal=principal)

    def api_key_revoke(self, *, principal: Principal, key_id: str) -> None:
        use_cases.api_key_revoke(uow=self.uow(), principal=principal, key_id=key_id, clock=self.clock)

    def api_key_authenticate(self, *, plaintext: str) -> Principal | None:
        return use_cases.api_key_authenticate(keys=self.api_keys, plaintext=plaintext, clock=self.clock)

    # --- the demo's accounts (load_demo_data) ---------------------------------------------------

    def demo_user_ensure(
        self, *, email: str, password: str, name: str, role: str, business_name: str = ""
    ) -> tuple[User, bool]:
        return self.demo.ensure_user(email=email, password=password, name=name, role=role, business_name=business_name)

    def demo_api_key_ensure(self, *, user_id: str, plaintext: str, name: str = "demo") -> None:
        """A known key for the demo merchant, so the printed credentials keep working across runs."""
        self.demo.ensure_api_key(user_id=user_id, plaintext=plaintext, name=name)
