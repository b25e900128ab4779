"""Identity use cases: sign-up, sign-in, token rotation, admins, API keys, authentication."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from application.identity.ports import (
    ApiKeyRepository,
    IdentityUnitOfWork,
    PasswordPolicy,
    RateLimiter,
    ReferralDirectory,
    TokenPair,
    TokenService,
    UserFilter,
    UserRepository,
)
from application.shared.access import require_role
from application.shared.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthenticated
from application.shared.pagination import Page, PageRequest
from domain.identity.api_key import ApiKey, hash_api_key, issue_api_key
from domain.identity.user import (
    REFERRABLE_ROLES,
    SELF_REGISTERABLE_ROLES,
    Principal,
    Profile,
    Role,
    User,
    normalize_email,
)
from domain.shared.clock import Clock
from domain.shared.ids import new_id

LOGIN_LIMIT_PER_MINUTE = 5
REGISTER_LIMIT_PER_HOUR = 10
LOGIN_FAILURES_PER_ACCOUNT = 10  # per 15 minutes


@dataclass(frozen=True, slots=True)
class Limit:
    limit: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class AccessLimits:
    """Configuration (LOGIN_RATE_PER_IP, LOGIN_RATE_PER_ACCOUNT, SIGNUP_RATE_PER_IP); these are the defaults."""

    login_per_ip: Limit = Limit(LOGIN_LIMIT_PER_MINUTE, 60)
    # Counts failed logins only, so nobody can lock an account out by logging in as it successfully;
    # while over it, even the right password is refused (otherwise 429 vs 200 would still leak it).
    login_failures_per_account: Limit = Limit(LOGIN_FAILURES_PER_ACCOUNT, 900)
    signup_per_ip: Limit = Limit(REGISTER_LIMIT_PER_HOUR, 3600)


DEFAULT_LIMITS = AccessLimits()
# Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
API_KEY_TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class RegisterCommand:
    email: str
    password: str
    name: str
    role: str
    referral_code: str | None = None
    profile: Profile | None = None
    client_ip: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    tokens: TokenPair
    api_key: str | None = None


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    key: ApiKey
    plaintext: str


def _check_password(policy: PasswordPolicy, password: str, *, email: str, name: str) -> None:
    problems = policy.problems(password, email=email, name=name)
    if problems:
        raise InvalidInput(" ".join(problems), code="weak_password", field="password")


def _new_user(*, email: str, name: str, role: Role, now: datetime, profile: Profile, referral: str) -> User:
    return User(
        id=str(new_id()),
        email=email,
        name=name.strip(),
        role=role,
        created_at=now,
        profile=profile,
        referred_by_code=referral,
    )


def user_register(
    *,
    uow: IdentityUnitOfWork,
    command: RegisterCommand,
    policy: PasswordPolicy,
    tokens: TokenService,
    referrals: ReferralDirectory,
    limiter: RateLimiter,
    clock: Clock,
    limits: AccessLimits = DEFAULT_LIMITS,
) -> Session:
    signup = limits.signup_per_ip
    wait = limiter.hit(f"register:{command.client_ip}", limit=signup.limit, window_seconds=signup.window_seconds)
    if wait is not None:
        raise RateLimited("Too many sign-ups from this address; try again later", retry_after=wait)
    try:
        role = Role(command.role)
    except ValueError:
        raise InvalidInput(f"Unknown role {command.role!r}", code="invalid_role", field="role") from None
    if role not in SELF_REGISTERABLE_ROLES:
        raise InvalidInput("Admins are created by admins only", code="role_not_allowed", field="role")
    email = normalize_email(command.email)
    _check_password(policy, command.password, email=email, name=command.name)
    referral = (command.referral_code or "").strip().upper()
    if referral:
        if role not in REFERRABLE_ROLES:
            raise InvalidInput(
                "Only merchants, vendors and distributors sign up with a referral code",
                code="referral_not_allowed",
                field="referral_code",
            )
        if not referrals.is_known_code(referral):
            raise InvalidInput("Unknown referral code", code="unknown_referral_code", field="referral_code")
    profile = command.profile or Profile()
    if role is Role.VENDOR:
        # Vendors sell only after an admin activates them (seed 001).
        profile = replace(profile, is_active=False)
    user = _new_user(email=email, name=command.name, role=role, now=clock.now(), profile=profile, referral=referral)
    plaintext_key: str | None = None
    with uow:
        if uow.users.email_taken(email):
            raise Conflict("An account with this email already exists", code="email_taken")
        uow.users.add(user, password=command.password)
        if role is Role.MERCHANT:
            plaintext_key = _create_key(uow.api_keys, user_id=user.id, name="default", now=clock.now()).plaintext
        uow.outbox.add("identity.user.registered", {"user_id": user.id, "role": role.value, "referral": referral})
        pair = tokens.issue(user.id)
    return Session(user=user, tokens=pair, api_key=plaintext_key)


def user_login(
    *,
    users: UserRepository,
    email: str,
    password: str,
    client_ip: str,
    tokens: TokenService,
    limiter: RateLimiter,
    limits: AccessLimits = DEFAULT_LIMITS,
) -> Session:
    normalized = login_gate(limiter=limiter, limits=limits, email=email, client_ip=client_ip)
    user = users.check_credentials(normalized, password) if normalized else None
    if user is None:
        login_failed(limiter=limiter, limits=limits, email=email)
        raise Unauthenticated("Email or password is incorrect", code="invalid_credentials")
    return Session(user=user, tokens=tokens.issue(user.id))


def _account_bucket(email: str) -> str:
    try:
        return f"login-account:{normalize_email(email)}"
    except Exception:  # noqa: BLE001 - a malformed email still has a bucket of its own
        return f"login-account:{email.strip().lower()[:254]}"


def login_gate(*, limiter: RateLimiter, limits: AccessLimits, email: str, client_ip: str) -> str:
    """Counts a login attempt from ``client_ip`` and refuses it while the IP or the account is over its
    limit. Returns the normalized email ("" when malformed). Shared by the API and the Django admin."""
    per_ip = limits.login_per_ip
    wait = limiter.hit(f"login:{client_ip}", limit=per_ip.limit, window_seconds=per_ip.window_seconds)
    if wait is not None:
        raise RateLimited("Too many login attempts; try again later", retry_after=wait)
    account = limits.login_failures_per_account
    wait = limiter.blocked(_account_bucket(email), limit=account.limit, window_seconds=account.window_seconds)
    if wait is not None:
        raise RateLimited("Too many failed logins for this account; try again later", retry_after=wait)
    try:
        return normalize_email(email)
    except Exception:  # noqa: BLE001 - a malformed email is just bad credentials here
        return ""


def login_failed(*, limiter: RateLimiter, limits: AccessLimits, email: str) -> None:
    account = limits.login_failures_per_account
    limiter.hit(_account_bucket(email), limit=account.limit, window_seconds=account.window_seconds)


def user_authenticate(
    *,
    users: UserRepository,
    email: str,
    password: str,
    client_ip: str,
    tokens: TokenService,
    limiter: RateLimiter,
    limits: AccessLimits = DEFAULT_LIMITS,
) -> User:
    """The API's login itself for a caller that keeps its own session (the partner portal): the same
    credential check and the same rate limits; the refresh token it was issued is revoked at once."""
    session = user_login(
        users=users, email=email, password=password, client_ip=client_ip, tokens=tokens, limiter=limiter, limits=limits
    )
    token_logout(refresh=session.tokens.refresh, tokens=tokens)
    return session.user


def token_refresh(*, users: UserRepository, refresh: str, tokens: TokenService) -> Session:
    user_id, pair = tokens.rotate(refresh)
    user = users.get(user_id)
    if user is None:
        tokens.revoke(pair.refresh)
        raise Unauthenticated("The account no longer exists", code="invalid_token")
    return Session(user=user, tokens=pair)


def token_logout(*, refresh: str, tokens: TokenService) -> None:
    tokens.revoke(refresh)


def user_get(*, users: UserRepository, principal: Principal) -> User:
    user = users.get(principal.user_id)
    if user is None:
        raise Unauthenticated("The account no longer exists")
    return user


def admin_create(
    *,
    uow: IdentityUnitOfWork,
    principal: Principal,
    email: str,
    password: str,
    name: str,
    policy: PasswordPolicy,
    clock: Clock,
) -> User:
    require_role(principal, Role.ADMIN)
    normalized = normalize_email(email)
    _check_password(policy, password, email=normalized, name=name)
    user = _new_user(email=normalized, name=name, role=Role.ADMIN, now=clock.now(), profile=Profile(), referral="")
    with uow:
        if uow.users.email_taken(normalized):
            raise Conflict("An account with this email already exists", code="email_taken")
        uow.users.add(user, password=password)
    return user


def users_list(*, users: UserRepository, principal: Principal, filters: UserFilter, page: PageRequest) -> Page[User]:
    require_role(principal, Role.ADMIN)
    return users.list(filters, page)


def user_soft_delete(
    *, uow: IdentityUnitOfWork, principal: Principal, user_id: str, tokens: TokenService, clock: Clock
) -> None:
    require_role(principal, Role.ADMIN)
    if user_id == principal.user_id:
        raise Conflict("Admins cannot delete themselves", code="cannot_delete_self")
    with uow:
        if not uow.users.soft_delete(user_id, at=clock.now()):
            raise NotFound("No such user")
        uow.api_keys.revoke_all_for_user(user_id, at=clock.now())
        tokens.revoke_all_for_user(user_id)


def profile_update(
    *, uow: IdentityUnitOfWork, principal: Principal, name: str | None, changes: dict[str, object]
) -> User:
    with uow:
        user = uow.users.get(principal.user_id)
        if user is None:
            raise Unauthenticated("The account no longer exists")
        # An inactive vendor may edit its profile, but activation is an admin decision.
        allowed = {k: v for k, v in changes.items() if k in {"business_name", "webhook_url", "phone", "address"}}
        profile = replace(user.profile, **allowed)  # type: ignore[arg-type]
        uow.users.update_profile(user.id, name=name, profile=profile)
        user = replace(user, profile=profile, name=name.strip() if name is not None else user.name)
    return user


def _create_key(keys: ApiKeyRepository, *, user_id: str, name: str, now: datetime) -> CreatedApiKey:
    issued = issue_api_key()
    key = ApiKey(id=str(new_id()), user_id=user_id, name=name, prefix=issued.prefix, created_at=now)
    keys.add(key, key_hash=issued.hash)
    return CreatedApiKey(key=key, plaintext=issued.plaintext)


def api_key_create(*, uow: IdentityUnitOfWork, principal: Principal, name: str, clock: Clock) -> CreatedApiKey:
    require_role(principal, Role.MERCHANT)
    with uow:
        return _create_key(uow.api_keys, user_id=principal.user_id, name=name.strip() or "key", now=clock.now())


def api_keys_list(*, keys: ApiKeyRepository, principal: Principal) -> list[ApiKey]:
    require_role(principal, Role.MERCHANT)
    return keys.list_for_user(principal.user_id)


def api_key_revoke(*, uow: IdentityUnitOfWork, principal: Principal, key_id: str, clock: Clock) -> None:
    require_role(principal, Role.MERCHANT)
    with uow:
        if not uow.api_keys.revoke(key_id, user_id=principal.user_id, at=clock.now()):
            raise NotFound("No such API key")


def api_key_authenticate(*, keys: ApiKeyRepository, plaintext: str, clock: Clock) -> Principal | None:
    found = keys.find_active_by_hash(hash_api_key(plaintext))
    if found is None:
        return None
    key, role = found
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at > API_KEY_TOUCH_INTERVAL:
        keys.touch(key.id, at=now)
    return Principal(user_id=key.user_id, role=role, api_key_id=key.id)


def access_token_authenticate(*, users: UserRepository, tokens: TokenService, raw: str) -> Principal | None:
    """The caller behind a bearer token; a deleted account's tokens authenticate nobody."""
    user_id = tokens.access_user_id(raw)
    if user_id is None:
        return None
    user = users.get(user_id)
    if user is None:
        return None
    return Principal(user_id=user.id, role=user.role)
