"""The demo's accounts with known passwords and keys (``load_demo_data``, tests): created once, found after.

Admins are Django superusers here (the demo admin signs in to /admin/ too), which sign-up never creates.
"""

from __future__ import annotations

from adapters.django_orm.identity.models import ApiKey as ApiKeyRow
from adapters.django_orm.identity.models import RoleProfile
from adapters.django_orm.identity.models import User as UserRow
from adapters.django_orm.identity.repositories import user_to_domain
from domain.identity.api_key import DISPLAY_PREFIX_LENGTH, hash_api_key
from domain.identity.user import User


class DjangoDemoAccounts:
    def ensure_user(self, *, email: str, password: str, name: str, role: str, business_name: str) -> tuple[User, bool]:
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

    def ensure_api_key(self, *, user_id: str, plaintext: str, name: str) -> None:
        ApiKeyRow.objects.get_or_create(
            key_hash=hash_api_key(plaintext),
            defaults={"user_id": user_id, "name": name, "prefix": plaintext[:DISPLAY_PREFIX_LENGTH]},
        )
