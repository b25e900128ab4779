"""ResponseSchema validates a dict of plain values as it is, and leaves anything else to Ninja's DjangoGetter."""

from __future__ import annotations

from datetime import UTC, datetime

from ninja import Schema

from entrypoints.api.schemas import ResponseSchema


class _Fast(ResponseSchema):
    name: str
    at: datetime
    count: int


class _Ninja(Schema):
    name: str
    at: datetime
    count: int


AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_plain_values_give_what_ninja_gives():
    values = {"name": "x", "at": AT, "count": 3}
    assert _Fast(**values).model_dump() == _Ninja(**values).model_dump()


def test_plain_values_skip_the_getter(monkeypatch):
    import ninja.schema

    def refuse(*args, **kwargs):
        raise AssertionError("DjangoGetter used for plain values")

    monkeypatch.setattr(ninja.schema, "DjangoGetter", refuse)
    assert _Fast(name="x", at=AT, count=3).count == 3


def test_a_callable_value_is_still_called_as_ninja_does():
    assert _Fast(name="x", at=AT, count=lambda: 4).count == 4  # type: ignore[arg-type]
    assert _Ninja(name="x", at=AT, count=lambda: 4).count == 4  # type: ignore[arg-type]


def test_an_object_is_read_by_attribute_as_ninja_does():
    class Row:
        name = "y"
        at = AT
        count = 5

    assert _Fast.model_validate(Row()).model_dump() == _Ninja.model_validate(Row()).model_dump()
