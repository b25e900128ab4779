from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "adapters.django_orm.payments"
    label = "payments"
    verbose_name = "Orders, payments and refunds"
