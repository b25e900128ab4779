"""The benchmark table: the smallest write a request can make, to measure the server's ceiling."""

from __future__ import annotations

import uuid

from django.db import models


class BenchRow(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
