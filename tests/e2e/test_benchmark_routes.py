"""The benchmark-only endpoint: absent unless BENCHMARK_ROUTES is on, and a plain insert when it is."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import path
from pytest_django import Settings

from adapters.django_orm.benchmarking.store import bench_row_insert
from devtools.benchmark import routes as benchmark
from entrypoints.api import app as api_app
from entrypoints.api import routes

URLCONF = "tests_benchmark_routes_urls"


@pytest.fixture
def bench_client(settings: Settings) -> Iterator[Client]:
    """The API rebuilt as BENCHMARK_ROUTES=true builds it, served from a throwaway URLconf."""
    settings.BENCHMARK_ROUTES = True
    try:
        importlib.reload(routes)
        api = api_app.build_api()
    finally:
        settings.BENCHMARK_ROUTES = False
        importlib.reload(routes)
    urlconf = types.ModuleType(URLCONF)
    urlconf.urlpatterns = [path("", api.urls)]  # type: ignore[attr-defined]
    sys.modules[URLCONF] = urlconf
    settings.ROOT_URLCONF = URLCONF
    try:
        yield Client(HTTP_HOST="testserver")
    finally:
        sys.modules.pop(URLCONF, None)


def test_bench_route_is_absent_by_default(http: Client) -> None:
    response = http.post("/bench/insert", {"key": "absent"}, content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


def test_bench_route_is_hidden_from_the_openapi_document() -> None:
    operations = benchmark.router.path_operations["/bench/insert"].operations
    assert [op.include_in_schema for op in operations] == [False]


@pytest.mark.django_db
def test_bench_insert_when_enabled(bench_client: Client, unique: str) -> None:
    first = bench_client.post("/bench/insert", {"key": unique}, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["key"] == unique

    again = bench_client.post("/bench/insert", {"key": unique}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"

    invalid = bench_client.post("/bench/insert", {"key": ""}, content_type="application/json")
    assert invalid.status_code == 422


@pytest.mark.django_db
def test_bench_row_insert_refuses_a_duplicate_key(unique: str) -> None:
    assert bench_row_insert(key=unique) is not None
    assert bench_row_insert(key=unique) is None
