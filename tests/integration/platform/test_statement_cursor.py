"""One cursor per statement and connection for the hot paths (adapters/django_orm/shared/statement_cursor.py).

A statement's cursor is kept between its runs (and with it psycopg's adaptation of its parameters and
results), and everything ``connection.cursor()`` gave still holds: Django's execute (wrappers, error
translation), a fresh debug cursor while queries are logged (so the statement budget tests still count
every statement), and new cursors on a connection opened again.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.shared.statement_cursor import MOST_KEPT, statement_cursor

pytestmark = pytest.mark.django_db(transaction=True)


def _one(sql: str, params: list | None = None):
    with statement_cursor(connection, sql) as cursor:
        cursor.execute(sql, params or [])
        return cursor, cursor.fetchone()


def test_a_statements_cursor_is_kept_from_one_run_to_the_next_and_another_statement_has_its_own():
    first, row = _one("SELECT %s", [1])
    again, same = _one("SELECT %s", [2])
    other, third = _one("SELECT %s + 1", [2])
    assert again is first
    assert other is not first
    assert (row[0], same[0], third[0]) == (1, 2, 3)


def test_psycopg_keeps_the_statements_adaptation_between_runs():
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's transformer: PostgreSQL only")
    sql = "SELECT %s::uuid, now()"
    cursor, _ = _one(sql, [uuid.uuid4()])
    adaptation = cursor.cursor._tx
    _one("SELECT 1")  # another statement in between: on its own cursor
    again, row = _one(sql, [uuid.uuid4()])
    assert again is cursor
    assert again.cursor._tx is adaptation  # not built again: the dumpers and loaders of the first run serve
    assert isinstance(row[0], uuid.UUID)


def test_at_most_so_many_cursors_are_kept_and_the_oldest_is_forgotten_not_closed():
    first, _ = _one("SELECT 0")
    for n in range(1, MOST_KEPT + 1):
        _one(f"SELECT {n}")
    first.execute("SELECT 0")  # still open: a block could still be using it
    assert first.fetchone()[0] == 0
    assert _one("SELECT 0")[0] is not first
    assert _one(f"SELECT {MOST_KEPT}")[0] is _one(f"SELECT {MOST_KEPT}")[0]


def test_while_queries_are_logged_each_statement_gets_its_own_cursor_and_is_counted():
    kept, _ = _one("SELECT 1")
    with CaptureQueriesContext(connection) as queries:
        logged, _ = _one("SELECT 1")
        again, _ = _one("SELECT 1")
    assert logged is not kept
    assert again is not logged
    if connection.vendor == "postgresql":
        assert logged.cursor.closed  # closed after its block, as connection.cursor()'s
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1", "SELECT 1"]
    assert _one("SELECT 1")[0] is kept  # logging over: the kept one again


def test_a_connection_opened_again_gets_new_cursors():
    kept, _ = _one("SELECT 5")
    before = connection.connection
    connection.close()
    fresh, row = _one("SELECT 5")  # opens the connection, as connection.cursor() would
    if connection.connection is before:
        assert fresh is kept  # SQLite's in-memory test database: Django never really closes it
    else:
        assert fresh is not kept
    assert row[0] == 5
    assert _one("SELECT 5")[0] is fresh


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
