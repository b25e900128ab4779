"""``json_text`` writes exactly what ``json.dumps`` writes, and refuses what it refuses."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import StrEnum

import pytest

from adapters.django_orm.shared.json_values import json_text, jsonb


class Colour(StrEnum):
    RED = "red"


VALUES = [
    {},
    [],
    "a bare string",
    {"object": {"id": "pay_1", "amount": "100.50", "card": {"last4": "4242", "exp_month": 12}}, "order": None},
    [1, -2, 2.5, 1e300, float("nan"), float("inf"), True, False, None, 10**40],
    {"é": 'ünïcode ✓ \u0000 \n \t " \\', "emoji": "\U0001f4b8"},
    {1: "int key", False: "bool key", None: "none key", 2.5: "float key"},
    {"enum": Colour.RED, "nested": [[[{"deep": [{}]}]]]},
]


@pytest.mark.parametrize("value", VALUES)
def test_the_same_text_as_json_dumps(value):
    assert json_text(value) == json.dumps(value)


@pytest.mark.parametrize("value", [{"amount": Decimal("1.00")}, [object()], {("tuple", "key"): 1}])
def test_what_json_dumps_refuses_is_refused(value):
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        json_text(value)


def test_the_wrapper_carries_the_value_and_the_writer():
    value = {"a": [1]}
    wrapped = jsonb(value)
    assert wrapped.obj is value
    assert wrapped.dumps is json_text


@pytest.mark.parametrize("value", [v for v in VALUES if v != "a bare string"])
def test_a_held_value_is_its_json_text_made_at_once_and_comes_back_as_the_value(value):
    from adapters.django_orm.shared.json_values import held_jsonb, unheld

    held = held_jsonb(value)
    assert held.obj == json.dumps(value)
    assert held.dumps is str  # psycopg sends the text as it is
    assert json.dumps(unheld(held)) == json.dumps(value)  # what Django's compiler gets back encodes the same
    assert unheld(value) is value
