"""The three statements every delivery attempt runs, as precompiled SQL.

A delivery attempt reads its delivery and endpoint, then writes the attempt and the delivery's
new state. Through the ORM, compiling those queries cost more CPU than the HTTP call itself
(profiled: about a third of a worker's time per delivery). Here the SQL is built once from the
models' metadata, and values go through the same field conversions the ORM applies, so the
rows read and written are exactly what the ORM would read and write, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from adapters.django_orm.notifications import models


def _fields(model: type[Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


_DELIVERY = _fields(
    models.WebhookDelivery,
    (
        "id",
        "endpoint",
        "owner_id",
        "event_id",
        "event_type",
        "body",
        "status",
        "run",
        "attempt_count",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    ),
)
_ENDPOINT = _fields(
    models.WebhookEndpoint,
    (
        "id",
        "owner_id",
        "url",
        "events",
        "description",
        "secret",
        "previous_secret",
        "previous_secret_expires_at",
        "enabled",
        "disabled_reason",
        "disabled_at",
        "failing_since",
        "origin",
        "created_at",
        "updated_at",
        "deleted_at",
    ),
)
_STATE = _fields(
    models.WebhookDelivery,
    (
        "status",
        "run",
        "attempt_count",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
    ),
)
_ATTEMPT = [f for f in models.WebhookAttempt._meta.concrete_fields]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _sql() -> dict[str, str]:
    delivery, endpoint, attempt = (
        _q(models.WebhookDelivery._meta.db_table),
        _q(models.WebhookEndpoint._meta.db_table),
        _q(models.WebhookAttempt._meta.db_table),
    )
    columns = [f"d.{_q(f.column)}" for f in _DELIVERY] + [f"e.{_q(f.column)}" for f in _ENDPOINT]
    state = ", ".join(f"{_q(f.column)} = %s" for f in _STATE)
    # Only model metadata (table and column names) is interpolated; every value is a parameter.
    return {
        "read": f"SELECT {', '.join(columns)} FROM {delivery} d JOIN {endpoint} e "  # noqa: S608
        f"ON e.{_q('id')} = d.{_q('endpoint_id')} WHERE d.{_q('id')} = %s",
        "save": f"UPDATE {delivery} SET {state} WHERE {_q('id')} = %s AND {_q('run')} = %s "  # noqa: S608
        f"AND {_q('attempt_count')} = %s",
        "attempt": f"INSERT INTO {attempt} ({', '.join(_q(f.column) for f in _ATTEMPT)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(_ATTEMPT))})",
    }


@functools.cache
def _converters(model: type[Model], names: tuple[str, ...]) -> list[tuple[Any, list[Any]]]:
    """The ORM's own from-database converters for each column (UUIDs on SQLite, JSON, time zones)."""
    found = []
    for field in _fields(model, names):
        column = field.get_col(model._meta.db_table)
        found.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
    return found


def _from_db(model: type[Model], fields: list[Field[Any, Any]], values: Sequence[Any]) -> Model:
    converters = _converters(model, tuple(f.name for f in fields))
    kwargs = {}
    for field, value, (column, convert) in zip(fields, values, converters, strict=True):
        for converter in convert:
            value = converter(value, column, connection)
        kwargs[field.attname] = value
    return model(**kwargs)


def _to_db(field: Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def read_delivery_and_endpoint(delivery_id: str) -> tuple[models.WebhookDelivery, models.WebhookEndpoint] | None:
    with connection.cursor() as cursor:
        cursor.execute(_sql()["read"], [_to_db(_DELIVERY[0], delivery_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_DELIVERY)
    delivery = _from_db(models.WebhookDelivery, _DELIVERY, row[:split])
    endpoint = _from_db(models.WebhookEndpoint, _ENDPOINT, row[split:])
    assert isinstance(delivery, models.WebhookDelivery)
    assert isinstance(endpoint, models.WebhookEndpoint)
    return delivery, endpoint


def save_delivery_if_unchanged(delivery_id: str, state: dict[str, Any], *, run: int, attempt_count: int) -> bool:
    params = [_to_db(f, state[f.name]) for f in _STATE] + [_to_db(_DELIVERY[0], delivery_id), run, attempt_count]
    with connection.cursor() as cursor:
        cursor.execute(_sql()["save"], params)
        return bool(cursor.rowcount)


def insert_attempt(values: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_sql()["attempt"], [_to_db(f, values[f.attname]) for f in _ATTEMPT])
