"""Identity wiring: the Django repositories, JWT tokens, the password policy, the login limits, and
earnings' approved resellers as the directory of referral codes sign-up accepts."""

from __future__ import annotations

from adapters.bridges.reseller_codes import ApprovedResellerCodes
from adapters.cache.rate_limit import SlidingWindowLimiter
from adapters.django_orm.earnings.repositories import DjangoResellerRepository
from adapters.django_orm.identity import conf
from adapters.django_orm.identity.api_key_cache import CachedApiKeyRepository
from adapters.django_orm.identity.demo_accounts import DjangoDemoAccounts
from adapters.django_orm.identity.policies import DjangoPasswordPolicy
from adapters.django_orm.identity.repositories import DjangoApiKeyRepository, DjangoUserRepository
from adapters.django_orm.identity.tokens import JwtTokenService
from application.identity.services import IdentityServices
from entrypoints.bootstrap.platform import Platform


def build(built: Platform) -> IdentityServices:
    users = DjangoUserRepository()
    # One cache per process, shared by lookups and by the unit of work that revokes (so it forgets at once).
    api_keys = CachedApiKeyRepository.from_settings(DjangoApiKeyRepository())
    return IdentityServices(
        uow=built.uow_factory(users=users, api_keys=api_keys),
        users=users,
        api_keys=api_keys,
        tokens=JwtTokenService(),
        policy=DjangoPasswordPolicy(),
        referrals=ApprovedResellerCodes(DjangoResellerRepository()),
        limiter=SlidingWindowLimiter(),
        demo=DjangoDemoAccounts(),
        clock=built.clock,
        limits=conf.access_limits(),
    )
