"""Writes for the benchmark endpoint: one autocommitted INSERT, nothing else."""

from __future__ import annotations

import uuid

from django.db import IntegrityError

from adapters.django_orm.benchmarking.models import BenchRow


def bench_row_insert(*, key: str) -> uuid.UUID | None:
    """Insert one row; ``None`` when the key is already taken."""
    try:
        return BenchRow.objects.create(key=key).id
    except IntegrityError:
        return None
