"""``prepare_row`` (and ``prepare``, one value) gives every value exactly what ``Field.get_db_prep_save``
gives, for every field of every model of ours, on PostgreSQL (where plain values pass through untouched)
and on the test database.

The PostgreSQL connection is built and never opened: preparing a value asks only its operations and
features, so this holds whatever database the suite runs on.
"""

from __future__ import annotations

import uuid
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.models import F, Field, Model

from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.shared.prepared import prepare, prepare_row, steps

# A value of every type our writers hand over, and some no field takes as it is.
VALUES: list[Any] = [
    None,
    "",
    "text",
    str(uuid.UUID(int=7)),
    uuid.UUID(int=7),
    datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
    datetime(2030, 1, 2, 3, 4, 5, 6),  # naive: Django's way (and its warning)
    date(2030, 1, 2),
    True,
    False,
    0,
    7,
    -3,
    2**40,
    Decimal("1.50"),
    1.5,
    {"a": [1, {"b": None}], "c": "d"},
    [1, "x"],
    b"bytes",
    OutboxMessage.Status.PENDING,  # a str subclass
    (1, 2),
]


def _postgres() -> DatabaseWrapper:
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "never_opened",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
    return DatabaseWrapper(settings, alias="prepared_probe")


def _our_fields() -> list[tuple[type[Model], Field[Any, Any]]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("adapters.")
        for field in model._meta.concrete_fields
    ]


def _json_text(wrapped: Any) -> str | type[TypeError]:
    try:
        return str(wrapped.dumps(wrapped.obj))
    except TypeError:
        return TypeError


def _same(ours: Any, django: Any) -> bool:
    """Equal and of one type; psycopg's JSON and binary adapters (no equality of their own) by what they wrap
    (and JSON by the text it is sent as).

    One difference is by design: for an integer field Django (with psycopg 3) wraps an ``int`` in psycopg's
    ``Int2``/``Int4``/``Int8``, an ``int`` subclass naming the column's type; ``prepare_row`` passes the
    ``int`` itself, the same number for the same column.
    """
    if type(ours) is int and type(django).__module__.startswith("psycopg") and isinstance(django, int):
        return bool(ours == django)
    if type(ours) is not type(django):
        return False
    if type(django).__module__.startswith("psycopg") and hasattr(django, "obj"):
        if getattr(django, "dumps", None) is None:
            return bool(ours.obj == django.obj and getattr(ours, "dumps", None) is None)
        # JSON: the same value written as the same text (``json_values.json_text`` is ``json.dumps``'s writer),
        # or refused by both (a value JSON has no text for fails when psycopg sends it).
        return bool(ours.obj == django.obj and _json_text(ours) == _json_text(django))
    return bool(ours == django)


def _django(field: Field[Any, Any], value: Any, wrapper: Any) -> tuple[str, Any]:
    try:
        return "value", field.get_db_prep_save(value, wrapper)
    except Exception as failed:  # whatever Django raises, prepare_row must raise too
        return "raises", type(failed)


def _ours(model: type[Model], field: Field[Any, Any], value: Any, wrapper: Any) -> tuple[str, Any]:
    out: list[Any] = []
    try:
        done = prepare_row(steps(wrapper, model, (field,)), {field.attname: value}, wrapper, out)
    except Exception as failed:
        return "raises", type(failed)
    assert done
    assert len(out) == 1
    return "value", out[0]


def _one(field: Field[Any, Any], value: Any, wrapper: Any) -> tuple[str, Any]:
    try:
        return "value", prepare(field, value, wrapper)
    except Exception as failed:
        return "raises", type(failed)


@pytest.mark.parametrize("database", ["postgresql", "test database"])
def test_every_field_of_every_model_prepares_every_value_as_django_does(database: str) -> None:
    wrapper = _postgres() if database == "postgresql" else connection
    fields = _our_fields()
    assert len(fields) > 50  # every model of every context is in
    kinds = {type(field) for _, field in fields}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # naive datetimes
        for model, field in fields:
            for value in VALUES:
                django, ours, one = (
                    _django(field, value, wrapper),
                    _ours(model, field, value, wrapper),
                    _one(field, value, wrapper),
                )
                assert django[0] == ours[0], (model.__name__, field.name, value, django, ours)
                assert django[0] == one[0], (model.__name__, field.name, value, django, one)
                if django[0] == "value" and not _same(_django(field, value, wrapper)[1], django[1]):
                    # Prepared differently every time (encrypted with a fresh nonce): Django's way, always.
                    ((_, _, passing, other),) = steps(wrapper, model, (field,))
                    assert not passing, (model.__name__, field.name)
                    assert not other, (model.__name__, field.name)
                    continue
                if django[0] == "value":
                    assert _same(ours[1], django[1]), (model.__name__, field.name, value, django, ours)
                    assert _same(one[1], django[1]), (model.__name__, field.name, value, django, one)
                else:
                    assert ours[1] is django[1]
                    assert one[1] is django[1]
    assert len(kinds) >= 10, kinds


def test_a_plain_value_passes_through_untouched_on_postgresql_and_an_expression_stops_preparing() -> None:
    wrapper = _postgres()
    topic = OutboxMessage._meta.get_field("topic")
    out: list[Any] = []
    text = "".join(["pay", "ment"])  # one object: passed through, not rebuilt
    assert prepare_row(steps(wrapper, OutboxMessage, (topic,)), {"topic": text}, wrapper, out)
    assert out[0] is text
    stopped: list[Any] = []
    assert not prepare_row(
        steps(wrapper, OutboxMessage, (topic,)), {"topic": F("topic")}, wrapper, stopped, ("resolve_expression",)
    )


def test_row_values_fills_every_missing_field_as_a_model_instance_would() -> None:
    """Constant defaults are worked out once per model; callables and mutable defaults are asked per row
    (two rows never share a dict), as ``Model()`` then ``pre_save`` would give them."""
    from adapters.django_orm.shared.prepared import needs_instance, row_values

    for model in apps.get_models():
        if not model.__module__.startswith("adapters.") or needs_instance(model):
            continue
        first, second = row_values(model, {}), row_values(model, {})
        instance = model()
        for field in model._meta.concrete_fields:
            expected = getattr(instance, field.attname)
            if field.has_db_default():
                continue  # a database default: an expression, asked per row as Django does
            if callable(field.default) and field.default not in (dict, list):
                assert type(first[field.attname]) is type(expected), (model, field.name)
                continue  # a fresh value per row (ids, timestamps): only its kind can compare
            assert first[field.attname] == expected, (model, field.name)
            if isinstance(expected, (dict, list)):
                assert first[field.attname] is not second[field.attname], (model, field.name)
