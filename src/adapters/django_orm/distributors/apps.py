from django.apps import AppConfig


class DistributorsConfig(AppConfig):
    """Distributors (seed 000) and their status history; their ERP sync records are the erp app's."""

    name = "adapters.django_orm.distributors"
    label = "distributors"
    verbose_name = "Distributors"
