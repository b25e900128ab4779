"""Back-office views of distributors and their history.

Read-only on purpose: status changes, edits and resyncs go through the API (admin role), where
the identifier rules, the history and the SAP sync request are enforced in one place.
"""

from django.contrib import admin

from adapters.django_orm.distributors.models import Distributor, DistributorStatusChange
from adapters.django_orm.erp.models import ErpSyncRecord
from adapters.django_orm.shared.admin import ReadOnlyAdmin


class StatusChangeInline(admin.TabularInline):
    model = DistributorStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields
    ordering = ("changed_at", "id")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Distributor)
class DistributorAdmin(ReadOnlyAdmin):
    list_display = ("legal_name", "trade_name", "gstin", "status", "email", "sap_business_partner", "created_at")
    list_filter = ("status", "address_state")
    search_fields = ("legal_name", "trade_name", "gstin", "pan", "email")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [StatusChangeInline]

    @admin.display(description="SAP business partner")
    def sap_business_partner(self, obj: Distributor) -> str:
        record = ErpSyncRecord.objects.filter(kind="business_partner", object_id=str(obj.pk)).first()
        if record is None:
            return "-"
        return f"{record.sap_id or '-'} ({record.status})"


@admin.register(DistributorStatusChange)
class DistributorStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("distributor", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status",)
    ordering = ("-changed_at", "-id")
