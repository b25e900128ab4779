from django.contrib import admin

from adapters.django_orm.payments.models import MerchantDailyStats, OrderRecord, PaymentRecord, RefundRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records change only through the API's use cases, never by hand in the back office."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]


@admin.register(OrderRecord)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "seller_id", "amount_minor", "currency", "status", "created_at")
    list_filter = ("status", "kind", "currency")
    search_fields = ("id", "seller_id", "buyer_id", "reference")


@admin.register(PaymentRecord)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "order_id",
        "method",
        "status",
        "amount_minor",
        "currency",
        "card_last4",
        "livemode",
        "created_at",
    )
    list_filter = ("livemode", "status", "method", "currency")
    search_fields = ("id", "order__id", "gateway_reference", "seller_id")


@admin.register(RefundRecord)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "payment_id", "amount_minor", "currency", "status", "livemode", "created_at")
    list_filter = ("livemode", "status")


@admin.register(MerchantDailyStats)
class MerchantDailyStatsAdmin(ReadOnlyAdmin):
    list_display = ("seller_id", "day", "currency", "orders", "successful_payments", "volume_minor")
