"""Back-office view of ERP sync records.

Read-only on purpose: resyncs go through the API (admin role), which queues the attempt with a
fresh retry budget.
"""

from django.contrib import admin

from adapters.django_orm.erp.models import ErpSyncRecord
from adapters.django_orm.shared.admin import ReadOnlyAdmin


@admin.register(ErpSyncRecord)
class ErpSyncRecordAdmin(ReadOnlyAdmin):
    list_display = ("kind", "object_id", "status", "attempts", "sap_id", "updated_at", "short_error")
    list_filter = ("kind", "status")
    search_fields = ("object_id", "sap_id", "last_error")
    ordering = ("-created_at", "-id")

    @admin.display(description="last error")
    def short_error(self, obj: ErpSyncRecord) -> str:
        return (obj.last_error or "")[:80]
