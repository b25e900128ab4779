"""timestamptz values read with the C ISO parser are Django's own (adapters/django_orm/shared/timestamps.py).

Each value is read twice on the same connection: through the connection (our loader) and through a
cursor with Django's own loader registered back; values, types and ``tzinfo`` objects must be the same,
and where Django's loader refuses a value, ours refuses it the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader, register_tzloader

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.shared.timestamps import iso_loader

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's timestamptz loader"),
]

VALUES = [
    "2026-11-29 13:00:30.514360+00",
    "2026-11-29 13:00:30.5+00",
    "2026-11-29 13:00:30+00",
    "2026-11-29 13:00:30.000001+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2026-03-29 01:30:00+00",
]
REFUSED = ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "10000-01-01 00:00:00+00"]


def _read(sql: str, value: str, *, django: bool):
    with connection.cursor() as cursor:
        if django:
            register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(sql, [value])
        return cursor.fetchone()[0]


def _both(value: str, sql: str = "SELECT %s::timestamptz"):
    return _read(sql, value, django=False), _read(sql, value, django=True)


def test_the_connection_reads_timestamps_with_our_loader_of_djangos_time_zone():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)
    assert loader is iso_loader(connection.timezone)
    assert issubclass(loader, BaseTzLoader)
    assert loader.timezone == connection.timezone  # Django's create_cursor then registers nothing of its own


@pytest.mark.parametrize("value", VALUES)
def test_each_value_is_djangos_own(value):
    ours, djangos = _both(value)
    assert ours == djangos
    assert (ours.tzinfo is djangos.tzinfo, ours.tzinfo) == (True, UTC)
    assert ours.isoformat() == djangos.isoformat()


def test_a_zero_offset_value_never_reaches_djangos_loader(monkeypatch):
    expected = [_read("SELECT %s::timestamptz", value, django=True) for value in VALUES]

    def refuse(self, data):
        raise AssertionError(f"Django's loader read {bytes(data)!r}")

    monkeypatch.setattr(BaseTzLoader, "load", refuse)
    assert [_read("SELECT %s::timestamptz", value, django=False) for value in VALUES] == expected


def test_a_table_row_reads_as_django_reads_it():
    when = datetime(2026, 11, 29, 13, 0, 30, 514360, tzinfo=UTC)
    row = OutboxMessage.objects.create(
        topic="t", payload={}, dedupe_key="timestamps-1", next_attempt_at=when, created_at=when
    )
    loaded = OutboxMessage.objects.get(pk=row.pk)
    assert (loaded.next_attempt_at, loaded.created_at, loaded.processed_at) == (when, when, None)
    assert loaded.next_attempt_at.tzinfo is UTC


@pytest.mark.parametrize("value", REFUSED)
def test_what_django_refuses_is_refused_the_same_way(value):
    with pytest.raises(Exception) as ours:
        _read("SELECT %s::timestamptz", value, django=False)
    with pytest.raises(Exception) as djangos:
        _read("SELECT %s::timestamptz", value, django=True)
    assert (type(ours.value), str(ours.value)) == (type(djangos.value), str(djangos.value))


def test_in_another_session_time_zone_every_value_takes_djangos_way():
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Kolkata'")
    try:
        for value in ("2026-11-29 13:00:30.514360+00", "2026-06-01 00:00:00+00"):
            ours, djangos = _both(value)
            assert ours == djangos
            assert ours.utcoffset() == djangos.utcoffset() == timedelta(0)
            assert ours.replace(tzinfo=None) == djangos.replace(tzinfo=None)
        # A zero-offset zone in winter (text "+00"), a one-hour offset in summer (text "+01").
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Europe/London'")
        for value in ("2026-01-15 10:00:00+00", "2026-07-15 10:00:00+00"):
            ours, djangos = _both(value)
            assert (ours, ours.replace(tzinfo=None)) == (djangos, djangos.replace(tzinfo=None))
            assert isinstance(ours, datetime)
    finally:
        connection.close()  # the next test gets a connection in Django's own time zone
