from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "adapters.django_orm.identity"
    label = "identity"
    verbose_name = "Identity and access"
