"""Row values as the database driver takes them, without building a model instance.

Hot-path writers (the write batch, ``insert_unless_taken``) send rows whose values are plain Python
types. Django prepares each value through ``get_db_prep_save`` -> ``get_db_prep_value`` ->
``get_prep_value`` -> ``to_python``; on PostgreSQL, for a plain field holding a value of its own type
(a ``str`` in a ``CharField``, an aware ``datetime`` in a ``DateTimeField``, ...), that chain hands the
value back unchanged (an ``int`` in an integer field comes back as psycopg's ``Int4``/``Int8``, the same
number for the same column). Those values pass straight through here; any other field (JSON, binary, foreign
keys, a custom field with its own ``get_prep_value``), any other value and any other database take
Django's way. Building a model instance per row cost more than sending it, so a writer may hand a
``dict`` of attribute values instead: ``row_values`` fills in the model's defaults as ``Model()`` would.
"""

from __future__ import annotations

import functools
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias

from django.db import models
from django.db.models import Field, Model
from django.utils.functional import Promise
from psycopg.types.json import Jsonb

from adapters.django_orm.shared.json_values import jsonb

# Exact field classes (a subclass may prepare values its own way) -> the value types that pass through.
_PLAIN: dict[type[Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.UUIDField: (uuid.UUID,),
    models.DateTimeField: (datetime,),
    models.DateField: (date,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
}


@functools.cache
def _passing(field: Field[Any, Any]) -> tuple[type, ...]:
    """The value types of ``field`` that PostgreSQL takes as they are (none for a field Django must prepare)."""
    kinds = _PLAIN.get(type(field), ())
    if type(field) is models.DateTimeField:
        return kinds  # aware values only: checked per value
    return (*kinds, type(None)) if kinds else ()


def prepare(field: Field[Any, Any], value: Any, connection: Any) -> Any:
    """``field.get_db_prep_save(value, connection)``, without the call chain where it changes nothing: one
    value (a row's values, many times over: ``steps`` and ``prepare_row``)."""
    if connection.vendor == "postgresql":
        kind = type(value)
        passing = _passing(field)
        if kind in passing and (kind is not datetime or value.tzinfo is not None):
            return value
        if value is None and type(field) is models.DateTimeField:
            return None
    return field.get_db_prep_save(value, connection)


# How one field's values are prepared: (attribute name, field, the value types passed as they are, what else
# passes: one of the kinds below). Worked out once per model, fields and database rather than per value (looking
# a field up per value hashes it, and Django's ``Field.__hash__`` is Python code).
Step: TypeAlias = "tuple[str, Field[Any, Any], frozenset[type], int]"

_NOTHING_ELSE = 0
# A DateTimeField: an aware datetime passes too (Django hands it back as it is).
_AWARE = 1
# A JSONField: a dict or list goes straight to the backend's JSON adapter, where Django's chain ends.
_JSON = 2
# A CharField or TextField: any ``str`` passes too (a ``TextChoices`` member: ``to_python`` keeps it as it is).
_TEXT = 3

_STEPS: dict[tuple[str, type[Model], tuple[str, ...]], tuple[Step, ...]] = {}


def steps(connection: Any, model: type[Model], fields: tuple[Field[Any, Any], ...]) -> tuple[Step, ...]:
    """How ``prepare_row`` prepares the values of ``fields`` of ``model`` on ``connection``'s database."""
    key = (connection.vendor, model, tuple(f.attname for f in fields))
    known = _STEPS.get(key)
    if known is not None:
        return known
    made = []
    for field in fields:
        passing: frozenset[type] = frozenset()
        kind = type(field)
        other = _NOTHING_ELSE
        if connection.vendor == "postgresql":  # anywhere else every value takes Django's way
            passing = frozenset({type(None)} if kind is models.DateTimeField else _passing(field))
            other = _OTHER.get(kind, _NOTHING_ELSE)
        made.append((field.attname, field, passing, other))
    built = _STEPS[key] = tuple(made)
    return built


_OTHER: dict[type[Field[Any, Any]], int] = {
    models.DateTimeField: _AWARE,
    models.JSONField: _JSON,
    models.CharField: _TEXT,
    models.TextField: _TEXT,
}


def prepare_row(
    row_steps: tuple[Step, ...], row: dict[str, Any], connection: Any, out: list[Any], stop_at: tuple[str, ...] = ()
) -> bool:
    """Appends ``field.get_db_prep_save(row[attname], connection)`` for every step to ``out``, in order, without
    Django's call chain where its result is known.

    False (``out`` then incomplete) at the first value that is not a plain value but has one of the
    attributes ``stop_at`` names (an expression): the caller has Django compile its statement instead.
    """
    append = out.append
    for attname, field, passing, other in row_steps:
        value = row[attname]
        kind = type(value)
        if kind in passing:
            append(value)
            continue
        if other:
            if other == _AWARE:
                if kind is datetime and value.tzinfo is not None:
                    append(value)
                    continue
            elif other == _JSON:
                if kind is dict or kind is list:
                    encoder = field.encoder  # type: ignore[attr-defined]
                    append(jsonb(value) if encoder is None else connection.ops.adapt_json_value(value, encoder))
                    continue
                if kind is Jsonb:  # already as psycopg sends it (a write batch's held_jsonb)
                    append(value)
                    continue
            elif isinstance(value, str) and not isinstance(value, Promise) and not hasattr(value, "as_sql"):
                append(value)
                continue
        if stop_at and kind not in _NEVER_EXPRESSIONS:
            for name in stop_at:
                if hasattr(value, name):
                    return False
        append(field.get_db_prep_save(value, connection))
    return True


# Types whose values are never expressions nor model instances (JSON containers included).
_NEVER_EXPRESSIONS = frozenset({str, int, float, bool, type(None), Decimal, datetime, date, uuid.UUID, dict, list})


@functools.cache
def _defaults(model: type[Model]) -> tuple[tuple[str, Field[Any, Any], Any], ...]:
    """Every concrete field with its default worked out once when that default is a constant (an
    immutable value, not a callable, not a database default); ``_CALL`` when it must be asked per row."""
    made = []
    for f in model._meta.concrete_fields:
        value: Any = _CALL
        if not callable(f.default) and not f.has_db_default():
            candidate = f.get_default()
            if type(candidate) in _CONSTANT:
                value = candidate
        made.append((f.attname, f, value))
    return tuple(made)


# A default asked of its field per row (a callable, a mutable value, a database default).
_CALL: Any = object()
_CONSTANT = frozenset({str, int, bool, type(None), Decimal, float})


@functools.cache
def needs_instance(model: type[Model]) -> bool:
    """Whether saving the model's rows runs code on the instance (``auto_now`` fields): then build one."""
    return any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in model._meta.concrete_fields)


def row_values(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (by attribute name) completed with the model's defaults for every other concrete field."""
    if needs_instance(model):
        row = model(**values)
        return {f.attname: f.pre_save(row, True) for f in model._meta.concrete_fields}
    out = dict(values)
    for attname, field, constant in _defaults(model):
        if attname not in out:
            out[attname] = field.get_default() if constant is _CALL else constant
    return out
