from django.apps import AppConfig


class DistributorsConfig(AppConfig):
    """Distributors (seed 000), their status history, and the ERP sync records."""

    name = "adapters.django_orm.distributors"
    label = "distributors"
    verbose_name = "Distributors and ERP sync"
