"""Back office for the marketplace: vendors (read-only, with activation), services, variants, reservations.

Stock never changes by hand: ``available`` is read-only here, because only the atomic statements
in the repositories may move it (a form save could overwrite a concurrent reservation).
"""

from django.contrib import admin, messages

from adapters.django_orm.catalog.models import (
    InvoiceRecord,
    ReservationRecord,
    ServiceRecord,
    VariantRecord,
    VendorAccount,
)
from adapters.django_orm.catalog.vendors import DjangoVendorAccounts


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(VendorAccount)
class VendorAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("email", "name", "business_name", "activated", "date_joined")
    search_fields = ("email", "name", "profile__business_name")
    list_filter = ("profile__is_active",)
    fields = ("id", "email", "name", "business_name", "address", "activated", "date_joined")
    readonly_fields = fields
    actions = ["activate", "deactivate"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return VendorAccount.objects.filter(role="vendor").select_related("profile")

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return bool(request.user.is_staff)

    @admin.display(description="business name")
    def business_name(self, obj):  # type: ignore[no-untyped-def]
        return getattr(getattr(obj, "profile", None), "business_name", "")

    @admin.display(description="address")
    def address(self, obj):  # type: ignore[no-untyped-def]
        return getattr(getattr(obj, "profile", None), "address", "")

    @admin.display(boolean=True, description="active")
    def activated(self, obj):  # type: ignore[no-untyped-def]
        return bool(getattr(getattr(obj, "profile", None), "is_active", False))

    def _set(self, request, queryset, active: bool) -> None:  # type: ignore[no-untyped-def]
        accounts = DjangoVendorAccounts()
        changed = sum(accounts.set_active(str(pk), active=active) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{changed} vendor(s) {'activated' if active else 'deactivated'}.", messages.SUCCESS)

    @admin.action(description="Activate selected vendors", permissions=["view"])
    def activate(self, request, queryset):  # type: ignore[no-untyped-def]
        self._set(request, queryset, True)

    @admin.action(description="Deactivate selected vendors", permissions=["view"])
    def deactivate(self, request, queryset):  # type: ignore[no-untyped-def]
        self._set(request, queryset, False)


class VariantInline(admin.TabularInline):
    model = VariantRecord
    extra = 0
    fields = ("name", "price_minor", "currency", "available", "is_active")
    readonly_fields = ("available",)
    can_delete = False


@admin.register(ServiceRecord)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "vendor", "category", "is_active", "created_at")
    list_filter = ("is_active", "category")
    search_fields = ("name", "description", "vendor__email")
    readonly_fields = ("id", "vendor", "created_at", "updated_at")
    inlines = [VariantInline]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # services are created by vendors through the API

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(VariantRecord)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "price_minor", "currency", "available", "is_active", "updated_at")
    list_filter = ("is_active", "currency")
    search_fields = ("name", "service__name")
    readonly_fields = ("id", "service", "available", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ReservationRecord)
class ReservationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "variant", "order_id", "quantity", "status", "release_reason", "late_payment", "expires_at")
    list_filter = ("status", "release_reason", "late_payment")
    search_fields = ("=order_id", "=id")


@admin.register(InvoiceRecord)
class InvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "order_id", "seller_id", "total_minor", "currency", "issued_at")
    search_fields = ("number", "=order_id", "seller_id", "buyer_id")
    exclude = ("pdf",)
