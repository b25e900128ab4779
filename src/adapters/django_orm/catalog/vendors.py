"""The catalog's view of vendor accounts, over identity's tables (users + role profiles).

Activation is ``RoleProfile.is_active``; identity registers vendors inactive and lets them edit
their profile but never this flag, so this adapter is the one place that flips it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from adapters.django_orm.identity.models import RoleProfile
from adapters.django_orm.identity.models import User as UserRow
from adapters.django_orm.shared.keyset import keyset_page
from adapters.django_orm.shared.rows import parse_uuid, row_by_id
from application.catalog.ports import VendorAccount, VendorFilter
from application.shared.pagination import Page, PageRequest
from domain.catalog.invoice import Party


def _profile(row: UserRow) -> RoleProfile | None:
    try:
        return row.profile  # type: ignore[no-any-return]
    except RoleProfile.DoesNotExist:
        return None


def vendor_to_account(row: UserRow) -> VendorAccount:
    profile = _profile(row)
    return VendorAccount(
        id=str(row.id),
        email=row.email,
        name=row.name,
        business_name=profile.business_name if profile else "",
        address=profile.address if profile else "",
        phone=profile.phone if profile else "",
        is_active=bool(profile and profile.is_active and row.is_active),
        created_at=row.date_joined,
    )


def _vendors() -> QuerySet[UserRow]:
    return UserRow.objects.filter(role="vendor").select_related("profile")


class DjangoVendorAccounts:
    def get(self, vendor_id: str) -> VendorAccount | None:
        row = row_by_id(_vendors(), vendor_id)
        return vendor_to_account(row) if row else None

    def set_active(self, vendor_id: str, *, active: bool) -> bool:
        key = parse_uuid(vendor_id)
        if key is None or not _vendors().filter(pk=key).exists():
            return False
        RoleProfile.objects.update_or_create(user_id=key, defaults={"is_active": active})
        return True

    def list(self, filters: VendorFilter, page: PageRequest) -> Page[VendorAccount]:
        queryset = _vendors()
        if filters.is_active is not None:
            queryset = queryset.filter(profile__is_active=filters.is_active)
        if filters.search:
            term = filters.search
            queryset = queryset.filter(
                Q(email__icontains=term) | Q(name__icontains=term) | Q(profile__business_name__icontains=term)
            )
        return keyset_page(queryset, page, vendor_to_account, time_field="date_joined")


class DjangoPartyDirectory:
    """Names on invoices; deleted accounts still appear on the invoices they are part of."""

    def party(self, user_id: str) -> Party | None:
        row = row_by_id(UserRow.all_objects.select_related("profile"), user_id)
        if row is None:
            return None
        profile = _profile(row)
        business = profile.business_name if profile else ""
        return Party(
            id=str(row.id),
            name=business or row.name or row.email,
            email=row.email,
            address=profile.address if profile else "",
        )
