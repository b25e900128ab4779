"""One cursor per connection for the hot paths' statements (adapters/django_orm/shared/statement_cursor.py).

The cursor is kept between statements, and everything ``connection.cursor()`` gave still holds: Django's
execute (wrappers, error translation), a fresh debug cursor while queries are logged (so the statement
budget tests still count every statement), and a new cursor on a connection opened again.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.shared.statement_cursor import statement_cursor

pytestmark = pytest.mark.django_db(transaction=True)


def _one(sql: str, params: list | None = None):
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, params or [])
        return cursor, cursor.fetchone()


def test_the_cursor_is_kept_from_one_statement_to_the_next():
    first, row = _one("SELECT 1")
    second, other = _one("SELECT %s", [2])
    assert second is first
    assert (row[0], other[0]) == (1, 2)


def test_while_queries_are_logged_each_statement_gets_its_own_cursor_and_is_counted():
    kept, _ = _one("SELECT 1")
    with CaptureQueriesContext(connection) as queries:
        logged, _ = _one("SELECT 2")
        again, _ = _one("SELECT 3")
    assert logged is not kept
    assert again is not logged
    if connection.vendor == "postgresql":
        assert logged.cursor.closed  # closed after its block, as connection.cursor()'s
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 2", "SELECT 3"]
    assert _one("SELECT 4")[0] is kept  # logging over: the kept one again


def test_a_connection_opened_again_gets_a_new_cursor():
    kept, _ = _one("SELECT 1")
    before = connection.connection
    connection.close()
    fresh, row = _one("SELECT 5")  # opens the connection, as connection.cursor() would
    if connection.connection is before:
        assert fresh is kept  # SQLite's in-memory test database: Django never really closes it
    else:
        assert fresh is not kept
    assert row[0] == 5
    assert _one("SELECT 6")[0] is fresh


def test_statements_still_run_through_djangos_execute_wrappers_and_error_translation():
    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    _one("SELECT 1")
    with connection.execute_wrapper(wrapper):
        _one("SELECT 7")
    assert seen == ["SELECT 7"]

    key = uuid.uuid4().hex
    DjangoOutbox().add("t", {}, dedupe_key=key)
    table = OutboxMessage._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic():
        _one(
            f"INSERT INTO {table} (id, topic, payload, dedupe_key, status, attempts, max_attempts, next_attempt_at,"
            " last_error, created_at) VALUES (%s, 't', '{}', %s, 'pending', 0, 1, %s, '', %s)",
            [uuid.uuid4().hex, key, timezone.now(), timezone.now()],
        )
    assert _one("SELECT 8")[1][0] == 8  # the kept cursor works after the failed statement's rollback
