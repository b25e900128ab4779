from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "adapters.django_orm.catalog"
    label = "catalog"
    verbose_name = "Marketplace: vendors, services, stock and invoices"
