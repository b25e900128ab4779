from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Cross-cutting tables: the outbox and idempotency records."""

    name = "adapters.django_orm.platform"
    label = "platform_core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from adapters.django_orm.shared import statement_cache, timestamps

        statement_cache.widen()  # batched writes exceed psycopg's default cache limits (statement_cache.py)
        # Timestamps read with the C ISO parser where Django's loader would use a regular expression.
        connection_created.connect(timestamps.on_connection_created, dispatch_uid="partnerpay.iso_timestamps")
