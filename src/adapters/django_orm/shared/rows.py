"""One row by id, read or locked: the id parsing and the row lock every repository needs, written once.

Ids reach repositories from URLs, cursors and messages. One that is not a UUID names no row, so
``parse_uuid`` answers None rather than letting the field's validation or the database raise.

There is one row-lock style: ``SELECT ... FOR UPDATE`` on the row being changed, held until the unit of
work's transaction ends (SQLite has no row locks and ignores it). Leases on a column (``locked_until``:
outbox, ERP sync) are a different tool, for work that outlives a transaction.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Manager, Model, QuerySet

from adapters.django_orm.shared.statement_cursor import statement_cursor

M = TypeVar("M", bound=Model)


def parse_uuid(raw: object) -> uuid.UUID | None:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def first_row(rows: QuerySet[M] | Manager[M], *, for_update: bool = False) -> M | None:
    """The first of ``rows``; with ``for_update`` it stays locked until the transaction ends."""
    return (rows.select_for_update() if for_update else rows.all()).first()


def row_by_id(rows: QuerySet[M] | Manager[M], raw_id: object, *, for_update: bool = False) -> M | None:
    """The row whose UUID primary key is ``raw_id``; None for no such row or an id that is no UUID."""
    key = parse_uuid(raw_id)
    if key is None:
        return None
    return first_row(rows.filter(pk=key), for_update=for_update)


def row_by_pk(model: type[M], raw_id: object, *, for_update: bool = False, related: str | None = None) -> M | None:
    """``row_by_id(model.objects[.select_related(related)], raw_id, for_update=...)`` on the hot paths.

    The same statement and the same model instances, but the SQL text and the column converters are
    worked out once per model rather than compiled by the ORM on every call (compiling a by-id SELECT
    of a wide row costs more CPU than PostgreSQL takes to answer it). ``related`` names a non-null
    foreign key read with the row, as ``select_related`` does (locked with it under ``for_update``).
    """
    key = parse_uuid(raw_id)
    if key is None:
        return None
    connection = connections[router.db_for_read(model)]
    if for_update and connection.get_autocommit():
        # The ORM refuses a row lock outside a transaction; let it say so.
        rows = model._default_manager.select_related(related) if related else model._default_manager
        return row_by_id(rows, key, for_update=True)
    pk = model._meta.pk
    assert pk is not None
    found = _select(connection, model, (pk.name,), (), 1, for_update, related).rows(connection, [key])
    return found[0] if found else None


# Where ``values_by_pk(..., versioned=True)`` puts the row's version (PostgreSQL's ``xmin``, as text).
ROW_VERSION = "_row_version"


def values_by_pk(
    model: type[Model],
    raw_id: object,
    *,
    for_update: bool = False,
    related: str | None = None,
    versioned: bool = False,
) -> list[dict[str, Any]] | None:
    """``row_by_pk`` as plain values: the row's (and ``related``'s) field values by attribute name, no model
    instance (a repository that maps the row to an aggregate needs the values, not the instance).

    ``versioned``: on PostgreSQL the row's dict also holds, under ``ROW_VERSION``, the version of the row
    read (its ``xmin``: every UPDATE writes a new version; a lock does not), for ``row_versions``."""
    key = parse_uuid(raw_id)
    if key is None:
        return None
    connection = connections[router.db_for_read(model)]
    if for_update and connection.get_autocommit():
        row_by_pk(model, key, for_update=True, related=related)  # the ORM refuses it; let it say so
    pk = model._meta.pk
    assert pk is not None
    reader = _select(connection, model, (pk.name,), (), 1, for_update, related, versioned)
    found = reader.values(connection, [key])
    return found[0] if found else None


def rows_where(model: type[M], equal: dict[str, object], *, order_by: tuple[str, ...], limit: int) -> list[M]:
    """``model.objects.filter(**equal).order_by(*order_by)[:limit]`` with plain values, its SQL built once."""
    connection = connections[router.db_for_read(model)]
    reader = _select(connection, model, tuple(equal), order_by, limit, False, None)
    return reader.rows(connection, list(equal.values()))


def _select(
    connection: Any,
    model: type[Model],
    where: tuple[str, ...],
    order_by: tuple[str, ...],
    limit: int,
    for_update: bool,
    related: str | None,
    versioned: bool = False,
) -> _Select:
    key = (connection.alias, model, where, order_by, limit, for_update, related, versioned)
    reader = _selects.get(key)
    if reader is None:
        reader = _selects[key] = _Select(connection, model, where, order_by, limit, for_update, related, versioned)
    return reader


class _Select:
    """One SELECT of a model's rows by equal columns (optionally joined to one parent row), built once:
    its text, and what the ORM's compiler would apply to each column read (the converters)."""

    def __init__(
        self,
        connection: Any,
        model: type[Model],
        where: tuple[str, ...],
        order_by: tuple[str, ...],
        limit: int,
        for_update: bool,
        related: str | None,
        versioned: bool = False,
    ) -> None:
        quote = connection.ops.quote_name
        meta = model._meta
        table = quote(meta.db_table)
        self.parts = [(model, list(meta.concrete_fields))]
        join = ""
        self.link: Any = None
        if related is not None:
            link = meta.get_field(related)
            if not link.many_to_one or link.null:
                raise ValueError(f"{model.__name__}.{related}: only a non-null foreign key is read along")
            parent = link.related_model
            parent_table = quote(parent._meta.db_table)
            join = (
                f" INNER JOIN {parent_table} ON ({table}.{quote(link.column)} = "
                f"{parent_table}.{quote(link.target_field.column)})"
            )
            self.parts.append((parent, list(parent._meta.concrete_fields)))
            self.link = link
        columns = ", ".join(
            f"{quote(part._meta.db_table)}.{quote(field.column)}" for part, fields in self.parts for field in fields
        )
        # The row's version last, after every field (no converter applies to it).
        self.versioned = versioned and connection.vendor == "postgresql"
        if self.versioned:
            columns += f", {table}.xmin::text"
        self.where = [meta.get_field(name) for name in where]
        conditions = " AND ".join(f"{table}.{quote(field.column)} = %s" for field in self.where)  # type: ignore[union-attr]
        ordering = ", ".join(
            f"{table}.{quote(meta.get_field(name.lstrip('-')).column)} {'DESC' if name.startswith('-') else 'ASC'}"  # type: ignore[union-attr]
            for name in order_by
        )
        lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
        self.sql = (
            f"SELECT {columns} FROM {table}{join} WHERE {conditions}"  # noqa: S608 - names from model meta
            f"{f' ORDER BY {ordering}' if ordering else ''} LIMIT {int(limit)}{lock}"
        )
        self.converters: list[tuple[int, Any, list[Any]]] = []
        index = 0
        for part, fields in self.parts:
            for field in fields:
                column = field.get_col(part._meta.db_table)
                found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if found:
                    self.converters.append((index, column, found))
                index += 1
        self.names = [[field.attname for field in fields] for _, fields in self.parts]

    def rows(self, connection: Any, values: list[Any]) -> list[Any]:
        return [self._instance(connection, row) for row in self._fetch(connection, values)]

    def values(self, connection: Any, values: list[Any]) -> list[list[dict[str, Any]]]:
        """Each row found as one dict of attribute values per part (the row, then its parent if joined)."""
        found = []
        for row in self._fetch(connection, values):
            parts, start = [], 0
            for names in self.names:
                parts.append(dict(zip(names, row[start : start + len(names)], strict=True)))
                start += len(names)
            if self.versioned:
                parts[0][ROW_VERSION] = row[start]
            found.append(parts)
        return found

    def _fetch(self, connection: Any, values: list[Any]) -> list[list[Any]]:
        """The rows found, each a list of its column values converted as the ORM would."""
        params = [field.get_db_prep_value(value, connection) for field, value in zip(self.where, values, strict=True)]  # type: ignore[union-attr]
        with statement_cursor(connection, self.sql) as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        rows = []
        for row in found:
            values = list(row)
            for index, expression, functions in self.converters:
                value = values[index]
                for convert in functions:
                    value = convert(value, expression, connection)
                values[index] = value
            rows.append(values)
        return rows

    def _instance(self, connection: Any, values: list[Any]) -> Any:
        instances = []
        start = 0
        for (model, fields), names in zip(self.parts, self.names, strict=True):
            instances.append(model.from_db(connection.alias, names, values[start : start + len(fields)]))
            start += len(fields)
        if self.link is not None:
            self.link.set_cached_value(instances[0], instances[1])
        return instances[0]


_selects: dict[tuple[Any, ...], _Select] = {}
