from django.contrib import admin

from adapters.django_orm.ingest.models import IngestedTransaction


@admin.register(IngestedTransaction)
class IngestedTransactionAdmin(admin.ModelAdmin):
    """Read-only: transactions change only through their processing job."""

    list_display = ("transaction_id", "status", "amount_minor", "currency", "attempts", "created_at", "processed_at")
    list_filter = ("status", "currency")
    search_fields = ("transaction_id", "source_account", "destination_account")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = [f.name for f in IngestedTransaction._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
