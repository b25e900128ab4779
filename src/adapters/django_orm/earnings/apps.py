from django.apps import AppConfig


class EarningsConfig(AppConfig):
    name = "adapters.django_orm.earnings"
    label = "earnings"
    verbose_name = "Reseller earnings"
