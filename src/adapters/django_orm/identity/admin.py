from django.contrib import admin
from django.db import models
from ninja_jwt.token_blacklist.admin import OutstandingTokenAdmin
from ninja_jwt.token_blacklist.models import OutstandingToken

from adapters.django_orm.identity.models import ApiKey, RoleProfile, User


class RoleProfileInline(admin.StackedInline):
    model = RoleProfile
    can_delete = False
    # A webhook URL typed without a scheme means https (Django 6.0's default; webhooks are https-only).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "role", "is_active", "date_joined", "deleted_at")
    list_filter = ("role", "is_active")
    search_fields = ("email", "name")
    exclude = ("password", "user_permissions", "groups")
    readonly_fields = ("id", "date_joined", "last_login")
    inlines = [RoleProfileInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The back office sees soft-deleted users too.
        return User.all_objects.all()


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    search_fields = ("prefix", "name", "user__email")
    exclude = ("key_hash",)
    readonly_fields = ("id", "prefix", "user", "created_at", "last_used_at")


# ninja_jwt's own admin shows each outstanding refresh token in full: a live credential for
# 7 days. Ours shows the same rows without it (the jti identifies a token well enough).
admin.site.unregister(OutstandingToken)


@admin.register(OutstandingToken)
class RefreshTokenAdmin(OutstandingTokenAdmin):
    exclude = ("token",)

    def get_readonly_fields(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields if f.name != "token"]
