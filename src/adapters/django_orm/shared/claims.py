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

from adapters.django_orm.shared.prepared import Step, prepare_row, row_values, steps


def insert_unless_taken(row: Model, *, unique: Sequence[str], returning: str) -> Any | None:
    """Inserts ``row`` unless a row with the same ``unique`` fields exists: its ``returning`` column, or None."""
    model = type(row)
    values = {f.attname: f.pre_save(row, True) for f in model._meta.concrete_fields}
    return insert_values_unless_taken(model, values, unique=unique, returning=returning)


def insert_values_unless_taken(
    model: type[Model], values: dict[str, Any], *, unique: Sequence[str], returning: str
) -> Any | None:
    """``insert_unless_taken`` of a row given by attribute values, the model's defaults for the rest
    (``prepared.row_values``): no model instance, whose construction cost more than the insert."""
    # The connection itself, not django.db.connection's proxy (a thread-local lookup per attribute read).
    connection = connections[DEFAULT_DB_ALIAS]
    row = row_values(model, values)
    sql, row_steps = _sql(connection, model, tuple(unique), returning)
    params: list[Any] = []
    prepare_row(row_steps, row, connection, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.fetchone()
    return None if inserted is None else inserted[0]


# (database vendor, model, unique fields, returning) -> (the statement, how each of its values is prepared).
_SQL: dict[tuple[str, type[Model], tuple[str, ...], str], tuple[str, tuple[Step, ...]]] = {}


def _sql(connection: Any, model: type[Model], unique: tuple[str, ...], returning: str) -> tuple[str, tuple[Step, ...]]:
    """The statement's text and how each of its values is prepared, built once per model."""
    key = (connection.vendor, model, unique, returning)
    known = _SQL.get(key)
    if known is not None:
        return known
    meta = model._meta
    quote = connection.ops.quote_name
    fields = tuple(meta.concrete_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - names from model meta
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {quote(meta.get_field(returning).column)}"
    )
    built = _SQL[key] = (sql, steps(connection, model, fields))
    return built
