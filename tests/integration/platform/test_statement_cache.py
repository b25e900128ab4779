"""psycopg caches the conversion of our long batched statements too (adapters/django_orm/shared/statement_cache.py).

psycopg's defaults (4,096 characters, 50 parameters) left a card payment's one write statement
(~120 parameters) to be parsed in Python on every call. These tests hold the widened limits in
place, and fail if a psycopg release renames the constants the widening relies on.
"""

from __future__ import annotations

import pytest
from django.db import connection
from psycopg import _queries

from adapters.django_orm.shared import statement_cache

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_psycopg_still_has_the_limits_we_widen_and_they_are_widened_at_startup():
    assert statement_cache.widen() is True
    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= statement_cache.MAX_LENGTH
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= statement_cache.MAX_PARAMS


def test_a_statement_of_a_hundred_and_twenty_parameters_is_converted_once():
    placeholders = ", ".join(["%s::integer"] * 120)
    statement = f"SELECT {placeholders}"  # a text no other test sends: its first call cannot be cached
    caches = (_queries._query2pg, _queries._query2pg_client)
    with connection.cursor() as cursor:
        cursor.execute(statement, list(range(120)))
        hits_before = sum(cache.cache_info().hits for cache in caches)
        cursor.execute(statement, list(range(1, 121)))
        assert cursor.fetchone()[119] == 120
    assert sum(cache.cache_info().hits for cache in caches) == hits_before + 1
