"""A JSONField's value as psycopg sends it, with ``json.dumps``'s text and fewer Python calls.

Django hands a JSON value to psycopg as ``Jsonb(value, dumps=json.dumps)``; psycopg calls ``dumps``, and
``json.dumps`` -> ``JSONEncoder.encode`` -> ``iterencode`` builds a C encoder per call and runs it: three
Python-level calls and an object per value, several values per payment. ``json_text`` keeps one such C
encoder, made with ``json.dumps``'s own default options, and runs it: the same text, byte for byte
(tests/unit/platform/test_json_values.py compares them). Made without a circular-reference check, which
only ever turns a ``ValueError`` into a ``RecursionError`` (a cycle has no JSON text either way).

``held_jsonb`` is what a write batch holds for a JSON column on PostgreSQL: the text made at once, so
nothing done to the value afterwards changes what is sent, and the value needs no copy.
"""

from __future__ import annotations

import json
from json.encoder import JSONEncoder, c_make_encoder, encode_basestring_ascii
from typing import Any

from psycopg.types.json import Jsonb

_DEFAULTS = JSONEncoder()
# json.dumps(value): skipkeys=False, ensure_ascii=True, allow_nan=True, indent=None, separators=(", ", ": "),
# default=None (a TypeError for anything JSON has no text for), sort_keys=False.
_ENCODE = (
    c_make_encoder(
        None,
        _DEFAULTS.default,
        encode_basestring_ascii,
        None,
        _DEFAULTS.key_separator,
        _DEFAULTS.item_separator,
        False,
        False,
        True,
    )
    if c_make_encoder is not None
    else None
)


def json_text(value: Any) -> str:
    """``json.dumps(value)``."""
    if _ENCODE is None or type(value) is str:  # a bare string: json.dumps's own shortcut, not the encoder's
        return json.dumps(value)
    return "".join(_ENCODE(value, 0))


def jsonb(value: Any) -> Jsonb:
    """``connection.ops.adapt_json_value(value, None)`` on PostgreSQL (a JSONField without an encoder)."""
    return Jsonb(value, dumps=json_text)


def held_jsonb(value: Any) -> Jsonb:
    """``jsonb(value)`` with its text made now. psycopg sends the text as it is: ``str`` of a str is that
    str, called in C (no Python-level call per value, where ``jsonb`` calls ``json_text`` when sending)."""
    return Jsonb(json_text(value), dumps=str)


def unheld(value: Any) -> Any:
    """The JSON value ``held_jsonb`` made the text of (for Django's compiler, which wants the value);
    anything else as it is."""
    if type(value) is Jsonb and value.dumps is str:
        return json.loads(value.obj)
    return value
