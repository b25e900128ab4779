from django.contrib import admin

from adapters.django_orm.notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Read-only, and the signing secrets are never shown: merchants manage endpoints through the API."""

    list_display = ("id", "owner_id", "url", "enabled", "disabled_reason", "failing_since", "created_at", "deleted_at")
    list_filter = ("enabled", "disabled_reason")
    search_fields = ("id", "owner_id", "url")
    ordering = ("-created_at", "-id")
    exclude = ("secret", "previous_secret")
    readonly_fields = [f.name for f in WebhookEndpoint._meta.fields if f.name not in {"secret", "previous_secret"}]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    ordering = ("number",)
    readonly_fields = [f.name for f in WebhookAttempt._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event_type", "endpoint_id", "status", "attempt_count", "last_status_code", "created_at")
    list_filter = ("status", "event_type")
    search_fields = ("id", "event_id", "owner_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
