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
    list_display = ("scope", "key", "response_status", "created_at", "completed_at")
    search_fields = ("scope", "key")
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]
