"""Identity repositories: the only code that touches the identity tables."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from adapters.django_orm.identity.models import ApiKey as ApiKeyRow
from adapters.django_orm.identity.models import RoleProfile
from adapters.django_orm.identity.models import User as UserRow
from adapters.django_orm.shared.keyset import keyset_page
from adapters.django_orm.shared.rows import row_by_id
from application.identity.ports import UserFilter
from application.shared.pagination import Page, PageRequest
from domain.identity.api_key import ApiKey
from domain.identity.user import Profile, Role, User


def user_to_domain(row: UserRow) -> User:
    profile_row = getattr(row, "profile", None) if _has_profile(row) else None
    profile = (
        Profile(
            business_name=profile_row.business_name,
            webhook_url=profile_row.webhook_url,
            phone=profile_row.phone,
            address=profile_row.address,
            is_active=profile_row.is_active,
        )
        if profile_row is not None
        else Profile()
    )
    return User(
        id=str(row.id),
        email=row.email,
        name=row.name,
        role=Role(row.role),
        created_at=row.date_joined,
        profile=profile,
        referred_by_code=row.referred_by_code,
        deleted_at=row.deleted_at,
    )


def _has_profile(row: UserRow) -> bool:
    try:
        row.profile  # noqa: B018 - touching the relation tells whether it exists
    except RoleProfile.DoesNotExist:
        return False
    return True


class DjangoUserRepository:
    def email_taken(self, email: str) -> bool:
        # Deleted accounts keep their email: it is not handed to someone else.
        return UserRow.all_objects.filter(email__iexact=email).exists()

    def add(self, user: User, *, password: str) -> None:
        row = UserRow(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role.value,
            is_staff=user.role is Role.ADMIN,
            is_superuser=False,
            referred_by_code=user.referred_by_code,
            date_joined=user.created_at,
        )
        row.password = make_password(password)
        row.save(force_insert=True)
        RoleProfile.objects.create(user=row, **_profile_fields(user.profile))

    def get(self, user_id: str, *, include_deleted: bool = False) -> User | None:
        manager = UserRow.all_objects if include_deleted else UserRow.objects
        row = row_by_id(manager.select_related("profile"), user_id)
        return user_to_domain(row) if row else None

    def check_credentials(self, email: str, password: str) -> User | None:
        row = UserRow.objects.select_related("profile").filter(email__iexact=email).first()
        if row is None:
            # Hash anyway so an unknown email costs the same time as a wrong password.
            make_password(password)
            return None
        if not row.is_active or not row.check_password(password):
            return None
        return user_to_domain(row)

    def update_profile(self, user_id: str, *, name: str | None, profile: Profile) -> None:
        if name is not None:
            UserRow.objects.filter(pk=user_id).update(name=name.strip())
        RoleProfile.objects.update_or_create(user_id=user_id, defaults=_profile_fields(profile))

    def soft_delete(self, user_id: str, *, at: datetime) -> bool:
        return bool(UserRow.objects.filter(pk=user_id).update(deleted_at=at, is_active=False))

    def list(self, filters: UserFilter, page: PageRequest) -> Page[User]:
        manager = UserRow.all_objects if filters.include_deleted else UserRow.objects
        queryset = manager.select_related("profile")
        if filters.role is not None:
            queryset = queryset.filter(role=filters.role.value)
        if filters.email_contains:
            queryset = queryset.filter(email__icontains=filters.email_contains)
        return keyset_page(queryset, page, user_to_domain, time_field="date_joined")


def _profile_fields(profile: Profile) -> dict[str, object]:
    return {
        "business_name": profile.business_name,
        "webhook_url": profile.webhook_url,
        "phone": profile.phone,
        "address": profile.address,
        "is_active": profile.is_active,
    }


def api_key_to_domain(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=str(row.id),
        user_id=str(row.user_id),
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class DjangoApiKeyRepository:
    def add(self, key: ApiKey, *, key_hash: str) -> None:
        ApiKeyRow.objects.create(
            id=key.id,
            user_id=key.user_id,
            name=key.name,
            prefix=key.prefix,
            key_hash=key_hash,
            created_at=key.created_at,
        )

    def list_for_user(self, user_id: str) -> list[ApiKey]:
        rows = ApiKeyRow.objects.filter(user_id=user_id, revoked_at__isnull=True).order_by("-created_at")
        return [api_key_to_domain(row) for row in rows]

    def revoke(self, key_id: str, *, user_id: str, at: datetime) -> bool:
        return bool(ApiKeyRow.objects.filter(pk=key_id, user_id=user_id, revoked_at__isnull=True).update(revoked_at=at))

    def revoke_all_for_user(self, user_id: str, *, at: datetime) -> None:
        ApiKeyRow.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=at)

    def find_active_by_hash(self, key_hash: str) -> tuple[ApiKey, Role] | None:
        row = (
            ApiKeyRow.objects.select_related("user")
            .filter(key_hash=key_hash, revoked_at__isnull=True)
            .filter(Q(user__deleted_at__isnull=True), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        return api_key_to_domain(row), Role(row.user.role)

    def touch(self, key_id: str, *, at: datetime) -> None:
        ApiKeyRow.objects.filter(pk=key_id).update(last_used_at=at)


class NoResellerDirectory:
    """Until the earnings context lands there are no resellers, so no referral code is known."""

    def is_known_code(self, code: str) -> bool:
        return False
