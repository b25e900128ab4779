from django.contrib import admin, messages
from django.utils import timezone

from adapters.django_orm.platform.models import IdempotencyRecord, OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutboxStore


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "topic", "status", "attempts", "max_attempts", "next_attempt_at", "created_at")
    list_filter = ("status", "topic")
    search_fields = ("id", "topic", "dedupe_key", "last_error")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_messages"]

    @admin.action(description="Retry selected messages (fresh attempts)")
    def retry_messages(self, request, queryset):  # type: ignore[no-untyped-def]
        store = DjangoOutboxStore()
        count = sum(store.requeue(str(m.id), now=timezone.now()) for m in queryset)
        self.message_user(request, f"{count} message(s) queued again; the sweeper picks them up.", messages.SUCCESS)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only, and never the stored body or the fingerprint: a body may carry a secret shown once."""

    list_display = ("scope", "key", "response_status", "created_at", "completed_at")
    search_fields = ("scope", "key")
    fields = (
        "id",
        "scope",
        "key",
        "response_status",
        "response_content_type",
        "locked_until",
        "created_at",
        "completed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
