"""JWT access/refresh tokens (django-ninja-jwt) with atomic rotation, a blacklist and reuse detection.

Every refresh token carries a family id (``fam``): the one a login started, kept by each rotation.
Presenting a refresh token that was already rotated means two parties hold the family (a stolen
token, or a client replaying an old one): every token of the family is revoked and the user must log
in again (OAuth 2.0 Security BCP, refresh token rotation). Access tokens already issued live on until
they expire (15 minutes).
"""

from __future__ import annotations

import base64
import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja_jwt.exceptions import TokenError
from ninja_jwt.settings import api_settings
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import AccessToken, RefreshToken
from ninja_jwt.utils import datetime_from_epoch

from adapters.django_orm.identity.models import User as UserRow
from application.identity.ports import TokenPair
from application.shared.errors import Unauthenticated

FAMILY_CLAIM = "fam"


def _invalid() -> Unauthenticated:
    return Unauthenticated("The token is invalid, expired or already used", code="invalid_token")


class _Reused(Exception):
    """The refresh token was already blacklisted (rotated or logged out)."""


def _refresh_for(user: UserRow, family: str) -> RefreshToken:
    refresh = RefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = family
    # for_user stored the token before the family claim was added: store the token as issued.
    OutstandingToken.objects.filter(jti=refresh[api_settings.JTI_CLAIM]).update(token=str(refresh))
    return refresh


def _family_of(raw: str) -> str | None:
    try:
        segment = raw.split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (IndexError, ValueError):
        return None
    value = payload.get(FAMILY_CLAIM) if isinstance(payload, dict) else None
    return str(value) if value else None


class JwtTokenService:
    def issue(self, user_id: str) -> TokenPair:
        user = UserRow.objects.get(pk=user_id)
        with transaction.atomic():
            refresh = _refresh_for(user, uuid.uuid4().hex)
        return TokenPair(access=str(refresh.access_token), refresh=str(refresh))

    def rotate(self, refresh: str) -> tuple[str, TokenPair]:
        try:
            token = RefreshToken(refresh)
        except TokenError:
            self._on_reuse(refresh)
            raise _invalid() from None
        user_id = str(token[api_settings.USER_ID_CLAIM])
        family = str(token.get(FAMILY_CLAIM) or token[api_settings.JTI_CLAIM])
        try:
            with transaction.atomic():
                self._blacklist(token)
                user = UserRow.objects.filter(pk=user_id).first()
                if user is None:
                    raise _invalid()
                fresh = _refresh_for(user, family)
        except _Reused:
            self.revoke_family(user_id, family)
            raise _invalid() from None
        return user_id, TokenPair(access=str(fresh.access_token), refresh=str(fresh))

    def revoke(self, refresh: str) -> None:
        token = self._verified(refresh)
        try:
            with transaction.atomic():
                self._blacklist(token)
        except _Reused:
            raise _invalid() from None

    def _on_reuse(self, raw: str) -> None:
        """A genuine (signed, unexpired) refresh token that is blacklisted: its family leaked."""
        try:
            from ninja_jwt.state import token_backend

            payload = token_backend.decode(raw, verify=True)
        except Exception:  # noqa: BLE001 - forged or expired: nothing to revoke
            return
        if payload.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh":
            return
        jti = payload.get(api_settings.JTI_CLAIM)
        if jti and BlacklistedToken.objects.filter(token__jti=jti).exists():
            user_id = str(payload.get(api_settings.USER_ID_CLAIM))
            self.revoke_family(user_id, str(payload.get(FAMILY_CLAIM) or jti))

    def revoke_family(self, user_id: str, family: str) -> int:
        """Blacklists every live refresh token of ``family``; the family's next use is a 401."""
        live = OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True)
        members = [row for row in live if _family_of(row.token) == family]
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=row) for row in members], ignore_conflicts=True)
        return len(members)

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

    def flush_expired(self) -> int:
        deleted, _ = OutstandingToken.objects.filter(expires_at__lt=timezone.now()).delete()
        return deleted

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
            raise _Reused from None
