"""Users (one table, every role), role profiles and merchant API keys."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

ROLES = ("admin", "merchant", "vendor", "customer", "distributor", "reseller")


class UserManager(BaseUserManager["User"]):
    """The default manager hides soft-deleted users: they cannot log in or authenticate."""

    use_in_migrations = True

    def get_queryset(self) -> models.QuerySet[User]:
        return super().get_queryset().filter(deleted_at__isnull=True)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", "customer")
        fields["is_staff"] = fields.get("role") == "admin"
        fields["is_superuser"] = False
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(role="admin", is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class AllUsersManager(models.Manager["User"]):
    """Admins listing with include_deleted=true go through this one."""


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Always stored lower-cased, so the unique index is case-insensitive.
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")
    role = models.CharField(max_length=20, choices=[(r, r) for r in ROLES], default="customer")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    referred_by_code = models.CharField(max_length=32, blank=True, default="")
    date_joined = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()
    all_objects = AllUsersManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "identity_user"
        base_manager_name = "all_objects"
        indexes = [models.Index(fields=["role", "date_joined"], name="identity_user_role_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class RoleProfile(models.Model):
    """Role-specific data, one row per user, kept as a typed JSON document per role.

    Contexts that own richer data (vendors, distributors, resellers) keep their own tables
    keyed by user id; this holds what registration collects.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    business_name = models.CharField(max_length=200, blank=True, default="")
    webhook_url = models.URLField(max_length=2000, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    address = models.TextField(blank=True, default="")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "identity_role_profile"


class ApiKey(models.Model):
    """A merchant's server-to-server key. Only a SHA-256 of the secret is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "identity_api_key"
        indexes = [models.Index(fields=["user", "created_at"], name="identity_api_key_user_idx")]
