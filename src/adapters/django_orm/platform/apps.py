from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Cross-cutting tables: the outbox and idempotency records."""

    name = "adapters.django_orm.platform"
    label = "platform_core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from adapters.django_orm.shared import statement_cache

        statement_cache.widen()  # batched writes exceed psycopg's default cache limits (statement_cache.py)
