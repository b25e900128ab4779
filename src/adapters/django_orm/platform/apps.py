from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Cross-cutting tables: the outbox and idempotency records."""

    name = "adapters.django_orm.platform"
    label = "platform_core"
    verbose_name = "Platform"
