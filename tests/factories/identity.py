"""Users (any role) with their role profile, and merchant API keys."""

from __future__ import annotations

import hashlib
import uuid

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.identity.models import ApiKey, RoleProfile, User
from tests.helpers import STRONG_PASSWORD


class UserFactory(DjangoModelFactory[User]):
    """A live account; ``password`` is hashed as registration would (the fast test hasher)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"user{n}-{uuid.uuid4().hex[:6]}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    role = "customer"
    is_active = True
    is_staff = factory.LazyAttribute(lambda user: user.role == "admin")
    is_superuser = False
    date_joined = factory.LazyFunction(timezone.now)
    password = factory.LazyFunction(lambda: make_password(STRONG_PASSWORD))
    profile = factory.RelatedFactory("tests.factories.identity.RoleProfileFactory", factory_related_name="user")

    class Params:
        superuser = factory.Trait(role="admin", is_staff=True, is_superuser=True)


class RoleProfileFactory(DjangoModelFactory[RoleProfile]):
    class Meta:
        model = RoleProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, profile=None)
    business_name = ""
    webhook_url = ""
    phone = ""
    address = ""
    is_active = True


class VendorFactory(UserFactory):
    """A vendor an admin has activated (its profile is active), so its services are on sale."""

    role = "vendor"
    profile = factory.RelatedFactory(
        RoleProfileFactory, factory_related_name="user", business_name=factory.Sequence(lambda n: f"Vendor {n} Ltd")
    )


class ApiKeyFactory(DjangoModelFactory[ApiKey]):
    """A key row; ``key_hash`` is the SHA-256 of ``plaintext`` (a factory parameter, not stored)."""

    class Meta:
        model = ApiKey
        exclude = ("plaintext",)

    id = factory.LazyFunction(uuid.uuid4)
    user = factory.SubFactory(UserFactory, role="merchant")
    name = "ci"
    prefix = factory.LazyFunction(lambda: f"pk_{uuid.uuid4().hex[:8]}")
    plaintext = factory.LazyAttribute(lambda key: f"{key.prefix}_{uuid.uuid4().hex}")
    key_hash = factory.LazyAttribute(lambda key: hashlib.sha256(key.plaintext.encode()).hexdigest())
    created_at = factory.LazyFunction(timezone.now)
