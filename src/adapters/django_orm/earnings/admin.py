"""Back office for reseller earnings.

The tier table is configuration and is edited here (or with PUT /api/v1/admin/earnings/tiers).
Everything that moves money (approvals, invoices, payouts) goes through the API's use cases,
which write the activity log and the outbox in the same transaction; here it is read-only.
"""

from django.contrib import admin

from adapters.django_orm.earnings.models import (
    ActivityRecord,
    AttributionRecord,
    CommissionRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    LeadRecord,
    PayoutRecord,
    ResellerRecord,
    TierRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]


@admin.register(TierRecord)
class TierAdmin(admin.ModelAdmin):
    list_display = ("name", "min_sales_minor", "rate_bps", "bonus_bps", "effective")
    ordering = ("min_sales_minor",)

    @admin.display(description="effective % of sale")
    def effective(self, obj: TierRecord) -> str:
        return f"{obj.rate_bps * (10000 + obj.bonus_bps) / 1_000_000:.2f}"


@admin.register(ResellerRecord)
class ResellerAdmin(ReadOnlyAdmin):
    list_display = ("referral_code", "user_id", "business_name", "status", "tier", "trailing_sales_minor", "created_at")
    list_filter = ("status", "tier")
    search_fields = ("referral_code", "user_id", "business_name")


@admin.register(AttributionRecord)
class AttributionAdmin(ReadOnlyAdmin):
    list_display = ("account_id", "role", "referral_code", "reseller", "created_at")
    list_filter = ("role",)
    search_fields = ("account_id", "referral_code")


@admin.register(CommissionRecord)
class CommissionAdmin(ReadOnlyAdmin):
    list_display = ("id", "reseller", "kind", "status", "amount_minor", "currency", "payment_id", "created_at")
    list_filter = ("status", "kind", "tier")
    search_fields = ("id", "payment_id", "order_id", "account_id")


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLineRecord
    extra = 0
    can_delete = False
    readonly_fields = ("position", "commission_id", "kind", "payment_id", "description", "sale_minor", "amount_minor")
    exclude = ("earned_at",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(InvoiceRecord)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "reseller", "period", "total_minor", "currency", "status", "issued_at")
    list_filter = ("status", "period")
    search_fields = ("number",)
    exclude = ("pdf",)
    inlines = [InvoiceLineInline]


@admin.register(PayoutRecord)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "reseller", "amount_minor", "currency", "method", "status", "livemode", "created_at")
    list_filter = ("livemode", "status", "method")
    search_fields = ("id", "reference")


@admin.register(LeadRecord)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("name", "company", "reseller", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "company", "email")


@admin.register(ActivityRecord)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reseller", "action", "subject_type", "subject_id", "actor_id")
    list_filter = ("action", "subject_type")
    search_fields = ("subject_id",)
