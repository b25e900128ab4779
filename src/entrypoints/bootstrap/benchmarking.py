"""Wiring for the benchmark-only endpoint (``BENCHMARK_ROUTES``): the "insert one row" ceiling.

No use case and no unit of work on purpose: this measures what the web server, Django and one
autocommitted INSERT cost, the floor under every real write endpoint.
"""

from __future__ import annotations

import uuid

from adapters.django_orm.benchmarking.store import bench_row_insert as _insert


def bench_row_insert(*, key: str) -> uuid.UUID | None:
    """Insert one benchmark row; ``None`` when the key already exists."""
    return _insert(key=key)
