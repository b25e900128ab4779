"""``benchmarks.lib.fresh_database``: the write-path benchmark starts every run from freshly migrated tables.

Its yardstick's table is truncated at each start; the product's tables used to keep every earlier run's
rows (gigabytes on a bench machine), which slowed the product and not the yardstick. Run against the test
server's PostgreSQL (the role creates databases, as pytest-django's does).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import psycopg
import pytest

from benchmarks import lib

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared() -> lib.Services:
    # The test server's maintenance database: DATABASE_URL's own need not exist (pytest-django makes test_<name>).
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return lib.Services(
        database_url=f"{server}/postgres", redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )


def _count(url: str, table: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # type: ignore[arg-type]
    assert row is not None
    return int(row[0])


def test_a_second_run_finds_the_first_runs_rows_gone_and_the_migrations_data_in_place(shared):
    name = f"pp_bench_fresh_{uuid.uuid4().hex[:8]}"
    try:
        first = lib.fresh_database(name, shared=shared)
        assert first.database_url.endswith(f"/{name}")
        assert first.redis_url == shared.redis_url
        with psycopg.connect(first.database_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE left_by_an_earlier_run (id int)")
            conn.execute("INSERT INTO left_by_an_earlier_run VALUES (1)")
            # A product table's row, as a benchmark run leaves thousands.
            conn.execute(
                "INSERT INTO payments_stats_delta (seller_id, day, currency, successful_payments, volume_minor) "
                "VALUES ('seller', CURRENT_DATE, 'INR', 1, 10050)"
            )
        assert _count(first.database_url, "payments_stats_delta") == 1
        tiers = _count(first.database_url, "earnings_tier")  # rows a data migration writes
        assert tiers > 0

        again = lib.fresh_database(name, shared=shared)

        assert again.database_url == first.database_url
        with psycopg.connect(again.database_url, autocommit=True) as conn:
            left = conn.execute("SELECT to_regclass('left_by_an_earlier_run')").fetchone()
        assert left == (None,)
        assert _count(again.database_url, "payments_stats_delta") == 0
        assert _count(again.database_url, "earnings_tier") == tiers
    finally:
        _drop(shared, name)


def test_a_session_left_connected_by_an_interrupted_run_does_not_stop_the_next(shared):
    name = f"pp_bench_fresh_{uuid.uuid4().hex[:8]}"
    try:
        first = lib.fresh_database(name, shared=shared)
        # A server of a run that was killed may still hold a connection to the database.
        left = psycopg.connect(first.database_url, autocommit=True)
        try:
            again = lib.fresh_database(name, shared=shared)
            assert _count(again.database_url, "payments_stats_delta") == 0
            assert _is_gone(left)  # FORCE ended it
        finally:
            left.close()
    finally:
        _drop(shared, name)


def _drop(shared: lib.Services, name: str) -> None:
    with psycopg.connect(shared.database_url, autocommit=True) as conn:
        lib.drop_database(conn, name)


def _is_gone(conn: psycopg.Connection[Any]) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


def test_a_run_given_its_own_redis_database_finds_it_empty(shared):
    import redis

    name = f"pp_bench_fresh_{uuid.uuid4().hex[:8]}"
    db = 14  # not one the test settings use
    server = shared.redis_url.rsplit("/", 1)[0]
    left = redis.Redis.from_url(f"{server}/{db}")
    left.lpush("huey.redis.partnerpay", b"a wake-up an earlier run left")
    try:
        own = lib.fresh_database(name, shared=shared, redis_db=db)

        assert own.redis_url == f"{server}/{db}"
        assert left.exists("huey.redis.partnerpay") == 0
    finally:
        left.flushdb()
        _drop(shared, name)
