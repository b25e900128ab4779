from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Transactions reported by external processors' webhooks (seed 004)."""

    name = "adapters.django_orm.ingest"
    label = "ingest"
    verbose_name = "Transaction ingestion"
