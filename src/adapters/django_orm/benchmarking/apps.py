from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    """One throwaway table for the "insert one row" benchmark ceiling; always installed so migrations are stable."""

    name = "adapters.django_orm.benchmarking"
    label = "benchmarking"
    verbose_name = "Benchmarking"
