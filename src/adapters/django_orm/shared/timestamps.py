"""``timestamptz`` values read with Python's C ISO parser instead of Django's regular-expression loader.

Django registers its own loader for ``timestamptz`` on every PostgreSQL connection (``BaseTzLoader`` in
``django.db.backends.postgresql.psycopg_any``: psycopg's pure-Python loader, then ``replace(tzinfo=...)``
with the connection's time zone). psycopg's C loader is never used for it, so each value read costs a
regular expression, eleven ``int()`` calls and two datetime constructions in Python: reading an order
spent about 3% of a card payment's GIL-held time on its three timestamps (issue 15).

PostgreSQL writes a ``timestamptz`` in the session's time zone, which Django sets to its own (UTC by
default), as ``YYYY-MM-DD HH:MM:SS[.ffffff]+00`` when the offset is zero. For that text, and only that,
``datetime.fromisoformat`` of everything before the offset with Django's ``tzinfo`` is exactly Django's
value: the same wall-clock time (the offset is zero), the same ``tzinfo`` object. Anything else (another
offset, ``infinity``, a BC date, a year past 9999, another DateStyle) takes Django's loader, errors
included. tests/integration/platform/test_timestamps.py compares the two on every kind of value.
"""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from typing import Any

from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.adapt import Buffer
from psycopg.postgres import types
from psycopg.pq import Format

_TIMESTAMPTZ = types["timestamptz"].oid
_parse = datetime.fromisoformat


@functools.cache
def iso_loader(tz: tzinfo | None) -> type[BaseTzLoader]:
    """The loader for a connection whose Django loader gives values ``tz`` (a class per zone, as Django's)."""

    class IsoTzLoader(BaseTzLoader):  # type: ignore[misc]
        timezone = tz  # what Django's ``create_cursor`` compares with its own time zone

        def load(self, data: Buffer) -> datetime:
            if data[-3:] == b"+00":
                try:
                    return _parse(str(data[:-3], "ascii")).replace(tzinfo=tz)
                except ValueError:  # UnicodeDecodeError included
                    pass  # a year past 9999, say: Django's loader says what is wrong
            return BaseTzLoader.load(self, data)  # type: ignore[no-any-return]

    return IsoTzLoader


def use_iso_loader(connection: Any) -> None:
    """On a PostgreSQL connection Django has just opened: its ``timestamptz`` loader replaced by
    ``iso_loader`` of the same time zone (one copy of the connection's loader map)."""
    adapters = connection.connection.adapters
    django_loader = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
    if django_loader is None or not issubclass(django_loader, BaseTzLoader):
        return  # not Django's: someone registered their own on purpose
    adapters.register_loader(_TIMESTAMPTZ, iso_loader(django_loader.timezone))


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Django's ``connection_created`` receiver (connected in the platform app's ``ready``)."""
    if connection.vendor == "postgresql":
        use_iso_loader(connection)
