"""Insert a row unless its unique key is taken, in one statement: ``INSERT ... ON CONFLICT DO NOTHING RETURNING``.

One statement decides under any concurrency (PostgreSQL, and SQLite >= 3.35): a concurrent insert of
the same key waits for the first transaction, then returns nothing. Outside a transaction it commits
on its own, with no BEGIN/COMMIT round trips around it; a conflict raises nothing, so it is also safe
inside a transaction (no savepoint needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


def insert_unless_taken(row: Model, *, unique: Sequence[str], returning: str) -> Any | None:
    """Inserts ``row`` unless a row with the same ``unique`` fields exists: its ``returning`` column, or None."""
    # The connection itself, not django.db.connection's proxy (a thread-local lookup per attribute read).
    connection = connections[DEFAULT_DB_ALIAS]
    meta = row._meta
    quote = connection.ops.quote_name
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - names from model meta
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {quote(meta.get_field(returning).column)}"
    )
    params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.fetchone()
    return None if inserted is None else inserted[0]
