"""Benchmark-only routes, mounted only when ``settings.BENCHMARK_ROUTES`` is true (see benchmarks/).

They are unauthenticated by design and hidden from the OpenAPI document. ``/bench/insert`` is the
"insert one row" ceiling: no use case and no unit of work on purpose, it measures what the web
server, Django and one autocommitted INSERT cost, the floor under every real write endpoint.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from adapters.django_orm.benchmarking.store import bench_row_insert
from entrypoints.api.problems import problem_response
from entrypoints.api.schemas import InputSchema

router = Router(tags=["benchmark"])


class BenchInsertIn(InputSchema):
    key: str = Field(min_length=1, max_length=128)


class BenchInsertOut(Schema):
    id: uuid.UUID
    key: str


@router.post(
    "/bench/insert",
    response={201: BenchInsertOut},
    operation_id="bench_insert",
    include_in_schema=False,
)
def bench_insert(request: HttpRequest, payload: BenchInsertIn) -> HttpResponse | Status:
    row_id = bench_row_insert(key=payload.key)
    if row_id is None:
        return problem_response(409, "conflict", "A row with this key already exists")
    return Status(201, BenchInsertOut(id=row_id, key=payload.key))
