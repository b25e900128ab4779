"""With server-side binding, a statement Django runs repeatedly on one connection is prepared by
PostgreSQL (planned once), and every execution still passes through Django's cursor wrapper (so
statement counts and query logging see it)."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

STATEMENT = "SELECT %s::integer + 1"
PREPARED_TEXT = "SELECT $1::integer + 1"


def _connection(**options: object) -> DatabaseWrapper:
    settings = copy.deepcopy(connection.settings_dict)
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), **options}
    return DatabaseWrapper(settings, alias="binding_probe")


def _run_and_list_prepared(wrapper: DatabaseWrapper, times: int) -> tuple[list[int], int, list[str]]:
    results = []
    with CaptureQueriesContext(wrapper) as captured:
        for value in range(times):
            with wrapper.cursor() as cursor:
                cursor.execute(STATEMENT, [value])
                results.append(cursor.fetchone()[0])
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    return results, len(captured.captured_queries), prepared


def test_a_repeated_statement_is_prepared_when_enabled():
    wrapper = _connection(server_side_binding=True, prepare_threshold=2)
    try:
        results, counted, prepared = _run_and_list_prepared(wrapper, 4)
    finally:
        wrapper.close()
    assert results == [1, 2, 3, 4]
    assert counted == 4
    assert PREPARED_TEXT in prepared


def test_nothing_is_prepared_with_client_side_binding():
    wrapper = _connection(server_side_binding=False, prepare_threshold=2)
    try:
        results, counted, prepared = _run_and_list_prepared(wrapper, 4)
    finally:
        wrapper.close()
    assert results == [1, 2, 3, 4]
    assert counted == 4
    assert prepared == []
