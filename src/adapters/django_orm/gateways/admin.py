from django.contrib import admin

from adapters.django_orm.gateways.models import InboundEventRecord


@admin.register(InboundEventRecord)
class InboundEventAdmin(admin.ModelAdmin):
    """Read-only: events change only by being processed or replayed (POST .../inbound-events/{id}/replay)."""

    list_display = ("received_at", "source", "event_type", "status", "outcome", "signature_valid", "payment_id")
    list_filter = ("source", "status", "signature_valid", "event_type")
    search_fields = ("id", "payment_id", "dedupe_key")
    date_hierarchy = "received_at"
    ordering = ("-received_at", "-id")
    readonly_fields = [f.name for f in InboundEventRecord._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
