"""JWT access/refresh tokens (django-ninja-jwt) with atomic rotation and a blacklist."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from ninja_jwt.exceptions import TokenError
from ninja_jwt.settings import api_settings
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import AccessToken, RefreshToken
from ninja_jwt.utils import datetime_from_epoch

from adapters.django_orm.identity.models import User as UserRow
from application.identity.ports import TokenPair
from application.shared.errors import Unauthenticated


def _invalid() -> Unauthenticated:
    return Unauthenticated("The token is invalid, expired or already used", code="invalid_token")


class JwtTokenService:
    def issue(self, user_id: str) -> TokenPair:
        user = UserRow.objects.get(pk=user_id)
        refresh = RefreshToken.for_user(user)
        return TokenPair(access=str(refresh.access_token), refresh=str(refresh))

    def rotate(self, refresh: str) -> tuple[str, TokenPair]:
        token = self._verified(refresh)
        user_id = str(token[api_settings.USER_ID_CLAIM])
        with transaction.atomic():
            self._blacklist(token)
            user = UserRow.objects.filter(pk=user_id).first()
            if user is None:
                raise _invalid()
            fresh = RefreshToken.for_user(user)
        return user_id, TokenPair(access=str(fresh.access_token), refresh=str(fresh))

    def revoke(self, refresh: str) -> None:
        token = self._verified(refresh)
        with transaction.atomic():
            self._blacklist(token)

    def revoke_all_for_user(self, user_id: str) -> None:
        outstanding = OutstandingToken.objects.filter(user_id=user_id).exclude(blacklistedtoken__isnull=False)
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )

    def access_user_id(self, access: str) -> str | None:
        try:
            token = AccessToken(access)
        except TokenError:
            return None
        value = token.get(api_settings.USER_ID_CLAIM)
        return str(value) if value else None

    @staticmethod
    def _verified(raw: str) -> RefreshToken:
        try:
            return RefreshToken(raw)
        except TokenError:
            raise _invalid() from None

    @staticmethod
    def _blacklist(token: RefreshToken) -> None:
        """Exactly one caller can blacklist a token: the unique row decides concurrent rotations."""
        jti = token[api_settings.JTI_CLAIM]
        outstanding, _ = OutstandingToken.objects.get_or_create(
            jti=jti, defaults={"token": str(token), "expires_at": datetime_from_epoch(token["exp"])}
        )
        try:
            with transaction.atomic():
                BlacklistedToken.objects.create(token=outstanding)
        except IntegrityError:
            raise _invalid() from None


def flush_expired_tokens() -> int:
    from django.utils import timezone

    deleted, _ = OutstandingToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
