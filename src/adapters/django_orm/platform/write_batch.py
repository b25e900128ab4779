"""The writes of a unit of work, held back and sent as one statement just before its block ends.

A unit of work writes rows nobody reads in the same transaction (outbox messages, event log rows,
daily stats increments) and saves the aggregates it changed. Sent one by one, each costs a round
trip; held in a ``WriteBatch`` they go out together: on PostgreSQL as one statement (a data-modifying
``WITH a AS (INSERT ...), b AS (UPDATE ...) INSERT ...``, multi-row ``VALUES``), elsewhere one
statement per table and kind.

Holding writes back must never change what the transaction sees or keeps, so the batch is an
execute wrapper on the connection (Django's ``connection.execute_wrapper``):

- before any other statement runs on the connection (a SELECT, a SAVEPOINT, a RELEASE, raw SQL), the
  batch is sent first, so every read sees every earlier write, and every savepoint holds what was
  written before it;
- a ``ROLLBACK TO SAVEPOINT`` drops what is held instead: it was all written after the last statement,
  hence after that savepoint, and is exactly what the rollback undoes (the transaction may be aborted,
  so nothing may be sent before it);
- the unit of work sends the batch before its block commits or releases its savepoint, and drops it
  when the block exits with an exception (rolled back: nothing written).

Writes while no unit of work is open on the connection go out at once (``current_batch`` is None).

Knowing every statement, the batch also keeps a row a repository just read under lock with another
(``remember``/``recall``) until the next statement: a payment locked with its order in one statement
hands the order out to the next ``orders.get_for_update`` without a second read.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import BinaryField, Field, JSONField, Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils.connection import ConnectionProxy

from adapters.django_orm.shared.json_values import held_jsonb, unheld
from adapters.django_orm.shared.prepared import Step, prepare_row, row_values, steps
from adapters.django_orm.shared.statement_cursor import statement_cursor

Statement = tuple[str, tuple[Any, ...]]


class WriteBatch:
    """Rows to insert, counters to add and aggregates to update, held for one unit of work."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        # (model, ignore conflicts) -> rows; a dict keeps the order tables were first written.
        self._inserts: dict[tuple[type[Model], bool], list[dict[str, Any]]] = {}
        # Rows held for insert by (model, pk), with their ignore-conflicts flag: a later update of one
        # changes the held row instead.
        self._held_rows: dict[tuple[type[Model], Any], tuple[dict[str, Any], bool]] = {}
        # (table, key columns) -> key values -> column -> delta.
        self._increments: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], dict[str, int]]] = {}
        # The same shape, for counts appended to a table as rows of their own (no conflict, no lock).
        self._appends: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], dict[str, int]]] = {}
        # (model, pk) -> field values, merged: one statement may update a row once, and later saves of
        # one row overwrite earlier values (what sending them in order would have left).
        self._updates: dict[tuple[type[Model], Any], dict[str, Any]] = {}
        # (model, pk) -> the version of its row a unit of work took as known (``require_version``).
        self._versions: dict[tuple[type[Model], Any], str] = {}
        self._sending = False
        # On PostgreSQL a JSON column's value is held as its text (``held_jsonb``), made when it is written.
        self._json_as_text = connection.vendor == "postgresql"
        # Rows a statement just read under lock, for a repository to hand out without reading them again:
        # forgotten at the next statement (until then nothing in this transaction can have changed them).
        self._just_read: dict[Any, Any] = {}

    # --- what writers hold back ---------------------------------------------------------------

    def insert(self, model: type[Model], values: dict[str, Any], *, ignore_conflicts: bool = False) -> None:
        """A row (every concrete field by attribute name, see ``row_values``): ``INSERT``, or
        ``INSERT ... ON CONFLICT DO NOTHING`` when ignoring."""
        row = self._held(model, values)
        self._inserts.setdefault((model, ignore_conflicts), []).append(row)
        pk = model._meta.pk
        assert pk is not None
        self._held_rows[_row_key(model, row[pk.attname])] = (row, ignore_conflicts)

    def update(self, model: type[Model], pk: Any, values: dict[str, Any]) -> None:
        """``model.objects.filter(pk=pk).update(**values)`` with plain values (no expressions)."""
        key = _row_key(model, pk)
        values = self._held(model, values)
        held = self._held_rows.get(key)
        if held is not None:
            row, ignore_conflicts = held
            if ignore_conflicts:
                self.send()  # whether the row was inserted at all is known once it was sent
            else:
                # One statement may not insert and update one row (each part sees the rows as they were
                # before it): the update becomes part of the insert.
                for name, value in values.items():
                    row[model._meta.get_field(name).attname] = value
                return
        self._updates.setdefault(key, {}).update(values)

    def _held(self, model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
        """The values as the batch holds them: what is sent is each value as it was when written. On
        PostgreSQL a JSON column's value is held as its text (made now: the encoding happens once anyway,
        and a text needs no copy); any other JSON-shaped value is copied (``copy_values``)."""
        if not self._json_as_text:
            return copy_values(values)
        as_text = _json_columns(model)
        return {
            name: (held_jsonb(value) if name in as_text else _json_copy(value)) if type(value) in _CONTAINERS else value
            for name, value in values.items()
        }

    def increment(self, table: str, keys: dict[str, Any], deltas: dict[str, int]) -> None:
        """``INSERT ... ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c``: atomic, no lost increments."""
        rows = self._increments.setdefault((table, tuple(keys)), {})
        counters = rows.setdefault(tuple(keys.values()), {})
        for column, delta in deltas.items():
            counters[column] = counters.get(column, 0) + delta

    def append_counts(self, table: str, keys: dict[str, Any], deltas: dict[str, int]) -> None:
        """``INSERT INTO table (keys, counters) VALUES ...``: one row per key of this unit of work."""
        rows = self._appends.setdefault((table, tuple(keys)), {})
        counters = rows.setdefault(tuple(keys.values()), {})
        for column, delta in deltas.items():
            counters[column] = counters.get(column, 0) + delta

    def require_version(self, model: type[Model], pk: Any, version: str) -> None:
        """The writes held here hold only if ``model``'s row ``pk`` is still version ``version`` (PostgreSQL's
        ``xmin``): they go out as the CTEs of a statement whose main query locks each such row and fails the
        whole statement (SQLSTATE ``PR409``, see ``ROW_CHANGED``) when one changed. Rows are locked in the
        order they were required."""
        self._versions[_row_key(model, pk)] = version

    def remember(self, key: Any, value: Any) -> None:
        """Keeps ``value`` until the next statement on the connection (see ``recall``)."""
        self._just_read[key] = value

    def recall(self, key: Any) -> Any:
        """What ``remember`` kept under ``key`` if no statement ran since; once."""
        return self._just_read.pop(key, None)

    # --- sending -------------------------------------------------------------------------------

    def send(self) -> None:
        """Writes everything held, in one statement on PostgreSQL; the batch is empty afterwards."""
        statements = list(self._statements())
        self.drop()
        if not statements:
            return
        if self.connection.vendor == "postgresql" and len(statements) > 1:
            joined: list[Any] = []
            for _, part_params in statements:
                joined.extend(part_params)
            statements = [(_with_sql(tuple(sql for sql, _ in statements)), tuple(joined))]
        self._sending = True
        try:
            for sql, params in statements:
                with statement_cursor(self.connection, sql) as cursor:
                    cursor.execute(sql, params)
        finally:
            self._sending = False

    def holds_nothing(self) -> bool:
        return not (self._inserts or self._increments or self._appends or self._updates or self._versions)

    def drop(self) -> None:
        self._inserts, self._held_rows, self._increments, self._appends, self._updates = {}, {}, {}, {}, {}
        self._versions = {}
        self._just_read.clear()

    def _statements(self) -> Iterator[Statement]:
        connection = self.connection
        for (model, ignore), rows in self._inserts.items():
            yield from _insert_statements(connection, model, rows, ignore_conflicts=ignore)
        for (table, key_columns), counters in self._increments.items():
            yield increments_sql(table, key_columns, counters)
        for (table, key_columns), counters in self._appends.items():
            yield counts_sql(table, key_columns, counters)
        for (model, pk), values in self._updates.items():
            yield _update_statement(connection, model, pk, values)
        if self._versions:
            # Last: the main query of the joined statement, the writes its CTEs (which PostgreSQL runs after
            # the main query unless it reads them, and which fail with it: one statement is atomic).
            yield _versions_guard(connection, self._versions)

    # --- the execute wrapper: every other statement on the connection passes through here --------

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        self._just_read.clear()
        if not self._sending:
            if sql.lstrip()[:20].upper().startswith("ROLLBACK TO"):
                self.drop()
            else:
                self.send()
        return execute(sql, params, many, context)


# Values held are copied if mutable (JSON fields): what is sent is the value as it was when written.
_CONTAINERS = frozenset({dict, list})


def copy_values(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values with its JSON values copied (as the batch holds them): later changes to the
    aggregate's dicts and lists leave the copy as it was."""
    return {name: _json_copy(value) if type(value) in _CONTAINERS else value for name, value in values.items()}


def _json_copy(value: Any) -> Any:
    """``copy.deepcopy`` for JSON-shaped values, several times faster (no memo: JSON has no cycles).

    Dicts and lists are copied, immutable scalars shared; anything else goes to ``copy.deepcopy``.
    """
    kind = type(value)
    # Scalars are tested inline: a call per leaf cost more than the copy itself.
    if kind is dict:
        return {key: item if type(item) in _IMMUTABLE else _json_copy(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _IMMUTABLE else _json_copy(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


_IMMUTABLE = frozenset({str, int, float, bool, type(None), Decimal, datetime, date, UUID})


@functools.cache
def _json_columns(model: type[Model]) -> frozenset[str]:
    """The names (and attribute names) of ``model``'s JSON columns whose value psycopg gets as ``jsonb(value)``:
    Django's own JSONField with no encoder of its own (``prepare_row`` sends those the same way)."""
    return frozenset(
        name
        for f in model._meta.concrete_fields
        if type(f) is JSONField and f.encoder is None  # type: ignore[attr-defined]
        for name in (f.name, f.attname)
    )


# --- statements, their SQL text built once per model (compiling a query costs more than sending it) ----


def _insert_statements(
    connection: Any, model: type[Model], rows: list[dict[str, Any]], *, ignore_conflicts: bool
) -> Iterator[Statement]:
    """What ``InsertQuery`` compiles for plain values: ``INSERT INTO t (cols) VALUES (...), (...)``."""
    shape = _insert_shape(connection, model, ignore_conflicts)
    if shape is not None:
        prefix, row_sql, suffix, row_steps = shape
        params: list[Any] = []
        for row in rows:
            if not prepare_row(row_steps, row, connection, params, _EXPRESSION):
                break  # an expression: Django's compiler below
        else:
            yield f"{prefix}{', '.join([row_sql] * len(rows))}{suffix}", tuple(params)
            return
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(
        [f for f in model._meta.local_concrete_fields if not f.generated],
        [model(**{name: unheld(value) for name, value in row.items()}) for row in rows],
    )
    for sql, compiled_params in query.get_compiler(connection=connection).as_sql():
        yield sql, tuple(compiled_params)


# What makes a value one the compiler must see (see ``prepare_row``): an insert's, an update's.
_EXPRESSION = ("resolve_expression",)
_EXPRESSION_OR_INSTANCE = ("resolve_expression", "prepare_database_save")

# (database vendor, model, ignore conflicts) -> (INSERT ... VALUES, one row's placeholders, ON CONFLICT ...,
# how each value is prepared), or None when the compiler is needed (a field with its own placeholder).
_INSERT_SHAPES: dict[tuple[str, type[Model], bool], tuple[str, str, str, tuple[Step, ...]] | None] = {}


def _insert_shape(
    connection: Any, model: type[Model], ignore_conflicts: bool
) -> tuple[str, str, str, tuple[Step, ...]] | None:
    key = (connection.vendor, model, ignore_conflicts)
    try:
        return _INSERT_SHAPES[key]
    except KeyError:
        pass
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.generated)
    built: tuple[str, str, str, tuple[Step, ...]] | None = None
    if not any(_own_placeholder(connection, f) for f in fields):
        ops = connection.ops
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        table = ops.quote_name(model._meta.db_table)
        suffix = ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
        built = (
            f"{ops.insert_statement(on_conflict=on_conflict)} {table} ({columns}) VALUES ",
            "(" + ", ".join(["%s"] * len(fields)) + ")",
            f" {suffix}" if suffix else "",
            steps(connection, model, fields),
        )
    _INSERT_SHAPES[key] = built
    return built


def _update_statement(connection: Any, model: type[Model], pk_value: Any, values: dict[str, Any]) -> Statement:
    """What ``filter(pk=pk).update(**values)`` compiles for plain values of the model's own columns."""
    shape = _update_shape(connection, model, tuple(values))
    if shape is not None:
        sql, row_steps, pk = shape
        params: list[Any] = []
        if prepare_row(row_steps, values, connection, params, _EXPRESSION_OR_INSTANCE):
            if sql is None:
                sql = _update_sql_with_placeholders(connection, model, row_steps, params)
            params.append(pk.get_db_prep_value(pk_value, connection))
            return sql, tuple(params)
    update = model._default_manager.filter(pk=pk_value).query.chain(UpdateQuery)
    update.add_update_values({name: unheld(value) for name, value in values.items()})
    sql, compiled_params = update.get_compiler(connection=connection).as_sql()
    return sql, tuple(compiled_params)


# (database vendor, model, the names updated) -> (its SQL, or None when a field says its own placeholder per
# value; how each value is prepared, by the name it came under; the primary key), or None: the compiler's.
_UPDATE_SHAPES: dict[
    tuple[str, type[Model], tuple[str, ...]], tuple[str | None, tuple[Step, ...], Field[Any, Any]] | None
] = {}


def _update_shape(
    connection: Any, model: type[Model], names: tuple[str, ...]
) -> tuple[str | None, tuple[Step, ...], Field[Any, Any]] | None:
    key = (connection.vendor, model, names)
    try:
        return _UPDATE_SHAPES[key]
    except KeyError:
        pass
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    built = None
    if not any(not f.concrete or f.model is not model or f.many_to_many for f in fields):
        quote, pk = connection.ops.quote_name, meta.pk
        assert pk is not None
        # The values come by the names given (a field's name or its attribute name): prepared under those.
        row_steps = tuple(
            (name, *step[1:]) for name, step in zip(names, steps(connection, model, tuple(fields)), strict=True)
        )
        sql = None
        if not any(_own_placeholder(connection, f) for f in fields):
            table = quote(meta.db_table)
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            sql = f"UPDATE {table} SET {assignments} WHERE {table}.{quote(pk.column)} = %s"  # noqa: S608 - names from model meta
        built = (sql, row_steps, pk)
    _UPDATE_SHAPES[key] = built
    return built


def _own_placeholder(connection: Any, field: Field[Any, Any]) -> bool:
    """Whether the compiler would ask ``field`` for a placeholder other than ``%s`` for some value.

    A ``BinaryField`` asks the backend (``binary_placeholder_sql``), and only MySQL says anything but
    ``%s``: on the others its statements keep a shape built once (an idempotency record's sealed body)."""
    if not hasattr(field, "get_placeholder"):
        return False
    if type(field) is BinaryField:
        return type(connection.ops).binary_placeholder_sql is not BaseDatabaseOperations.binary_placeholder_sql
    return True


def _update_sql_with_placeholders(
    connection: Any, model: type[Model], row_steps: tuple[Step, ...], params: list[Any]
) -> str:
    """The UPDATE's text when a field has its own placeholder (binary data, arrays): it says it per value,
    as the compiler would ask it."""
    meta, quote = model._meta, connection.ops.quote_name
    pk = meta.pk
    assert pk is not None
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(f.column)} = {f.get_placeholder(p, None, connection) if hasattr(f, 'get_placeholder') else '%s'}"
        for (_, f, _, _), p in zip(row_steps, params, strict=True)
    )
    return f"UPDATE {table} SET {assignments} WHERE {table}.{quote(pk.column)} = %s"  # noqa: S608 - names from model meta


# The SQLSTATE partnerpay_rows_unchanged() raises (platform migration 0005) when a held row changed.
ROW_CHANGED = "PR409"


def _versions_guard(connection: Any, versions: dict[tuple[type[Model], Any], str]) -> Statement:
    """``SELECT partnerpay_rows_unchanged(EXISTS (row 1 at its version, locked) AND EXISTS (...))``."""
    quote = connection.ops.quote_name
    checks, params = [], []
    for (model, pk_value), version in versions.items():
        pk = model._meta.pk
        assert pk is not None
        table = quote(model._meta.db_table)
        checks.append(
            f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{quote(pk.column)} = %s "  # noqa: S608 - names from model meta
            f"AND {table}.xmin::text = %s FOR UPDATE)"
        )
        params += [pk.get_db_prep_value(pk_value, connection), version]
    return f"SELECT partnerpay_rows_unchanged({' AND '.join(checks)})", tuple(params)


@functools.lru_cache(maxsize=256)
def _with_sql(sqls: tuple[str, ...]) -> str:
    """Several statements as one: every one but the last a data-modifying CTE (PostgreSQL)."""
    *parts, last = sqls
    ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(parts))
    return f"WITH {ctes} {last}"


def _row_key(model: type[Model], pk: Any) -> tuple[type[Model], Any]:
    """One key per row whether its id came as a string or a UUID."""
    return model, model._meta.pk.to_python(pk)


def increments_sql(table: str, key_columns: tuple[str, ...], rows: dict[tuple[Any, ...], dict[str, int]]) -> Statement:
    """One multi-row upsert; a counter one row does not change is added as 0."""
    sql, params = counts_sql(table, key_columns, rows)
    columns = sorted({column for counters in rows.values() for column in counters})
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    return f"{sql} ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}", params


def counts_sql(table: str, key_columns: tuple[str, ...], rows: dict[tuple[Any, ...], dict[str, int]]) -> Statement:
    """One multi-row insert of keys and counters; a counter one row does not change is written as 0."""
    columns = sorted({column for counters in rows.values() for column in counters})
    names = ", ".join([*key_columns, *columns])
    row_sql = "(" + ", ".join(["%s"] * (len(key_columns) + len(columns))) + ")"
    params: list[Any] = []
    for key, counters in rows.items():
        params.extend([*key, *(counters.get(column, 0) for column in columns)])
    sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([row_sql] * len(rows))}"  # noqa: S608 - names are constants
    return sql, tuple(params)


# --- what writers call: held by the open unit of work, or written at once ---------------------------


def insert(row: Model, *, ignore_conflicts: bool = False) -> None:
    """Holds a model instance's row (``row.save(force_insert=True)``)."""
    model = type(row)
    values = {f.attname: f.pre_save(row, True) for f in model._meta.concrete_fields}
    insert_values(model, values, ignore_conflicts=ignore_conflicts)


def insert_values(
    model: type[Model], values: dict[str, Any], *, ignore_conflicts: bool = False, connection: Any = None
) -> dict[str, Any]:
    """Holds a row given by attribute values, the model's defaults for the rest (no model instance:
    building one cost more than sending the row). Returns the row's values.

    ``connection``: the default database's connection object when the caller has it at hand (one lookup less).
    """
    row = row_values(model, values)
    batch, now = _batch_or_once(connection)
    batch.insert(model, row, ignore_conflicts=ignore_conflicts)
    if now:
        batch.send()
    return row


def update(model: type[Model], pk: Any, values: dict[str, Any]) -> None:
    batch, now = _batch_or_once()
    batch.update(model, pk, values)
    if now:
        batch.send()


def increment(table: str, keys: dict[str, Any], deltas: dict[str, int]) -> None:
    batch, now = _batch_or_once()
    batch.increment(table, keys, deltas)
    if now:
        batch.send()


def append_counts(table: str, keys: dict[str, Any], deltas: dict[str, int]) -> None:
    batch, now = _batch_or_once()
    batch.append_counts(table, keys, deltas)
    if now:
        batch.send()


def _batch_or_once(connection: Any = None) -> tuple[WriteBatch, bool]:
    """The open unit of work's batch, or one not installed anywhere that the caller sends right away (True)."""
    batch = current_batch(connection)
    if batch is not None:
        return batch, False
    return WriteBatch(_connection(connection)), True


def current_batch(connection: Any = None) -> WriteBatch | None:
    """The batch of the unit of work open on ``connection`` (the default database's by default), or None:
    write at once."""
    if connection is None:
        # The default connection's, as this thread recorded it: no lookup of the connection.
        batch: WriteBatch | None = getattr(_on_default, "batch", None)
        return batch if batch is not None and batch.connection.in_atomic_block else None
    connection = _connection(connection)
    if not connection.in_atomic_block:
        return None  # a batch lives inside its unit of work's block; outside it nothing may wait
    for wrapper in connection.execute_wrappers:
        if isinstance(wrapper, WriteBatch):
            return wrapper
    return None


def open_batch(connection: Any = None) -> WriteBatch | None:
    """Installs a batch unless one is open (a nested unit of work shares its outer one's batch).

    Returns the batch installed here, which the caller removes with ``close_batch``; None if shared.
    """
    default = connections[DEFAULT_DB_ALIAS] if connection is None else None
    connection = default or _connection(connection)
    if current_batch(connection) is not None:
        return None
    batch = WriteBatch(connection)
    connection.execute_wrappers.append(batch)
    if connection is (default or connections[DEFAULT_DB_ALIAS]):
        _on_default.batch = batch
    return batch


def close_batch(batch: WriteBatch) -> None:
    batch.drop()
    batch.connection.execute_wrappers.remove(batch)
    if getattr(_on_default, "batch", None) is batch:
        _on_default.batch = None


# The batch installed on this thread's connection to the default database (Django keeps one connection per
# thread, and so does this): a unit of work's writers find it without looking the connection up, which
# costs a few microseconds each time (asgiref's local asks for a running event loop and catches the error).
_on_default = threading.local()


def _connection(connection: Any) -> Any:
    """The connection object itself, not ``django.db.connection``'s proxy: every attribute read through the
    proxy is a lookup in Django's context-local connections, and a unit of work reads several per write.
    The batch holds the connection it was opened on for as long as that block is open (one thread)."""
    if connection is None:
        return connections[DEFAULT_DB_ALIAS]
    if isinstance(connection, ConnectionProxy):
        return connections[connection._alias]
    return connection
