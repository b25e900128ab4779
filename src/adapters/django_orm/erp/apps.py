from django.apps import AppConfig


class ErpConfig(AppConfig):
    """Where distributors and their payments stand in SAP: the ERP sync records."""

    name = "adapters.django_orm.erp"
    label = "erp"
    verbose_name = "ERP sync"
