"""The hot paths' statements on one Django cursor per statement and connection, kept from one run to the next.

``connection.cursor()`` is about 27 Python calls (Django's async-safety, health and thread-sharing checks,
the driver's cursor, Django's wrapper around it) and closing it a few more: for a request of one to three
statements (an ingestion, an order, a card payment) about 8% of all its Python calls. ``statement_cursor``
hands out the same wrapper again instead, so each statement still runs through Django's
``CursorWrapper.execute``: the connection's execute wrappers (the write batch, the pipelined BEGIN), the
broken-transaction check and the translation of driver errors all stay as they were.

One cursor per statement text rather than one for all: psycopg keeps a cursor's adaptation state (the
dumper of each parameter type, the loader of each result column type) only while the cursor runs the
same query object again, and builds it anew for any other. A card payment's three statements on one
cursor rebuilt it three times a request (about 6% of the payment's GIL-held time, issue 15); each on its
own cursor, every run after the first finds it ready. Callers pass the statement's text as they will
execute it, the same ``str`` each time (a constant or a cached build), and a connection keeps at most
``MOST_KEPT`` such cursors (the oldest is forgotten to make room).

A wrapper is only reused on the driver connection it was made on (a connection closed and opened again
gets new ones) and never while queries are logged (``DEBUG``, ``assertNumQueries``, the statement budget
tests): those statements get a fresh debug cursor each, closed after the block, as ``connection.cursor()``
gives. A cursor opens the connection if there is none, as ``connection.cursor()`` does.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

_HELD = "_partnerpay_statement_cursors"

# Cursors kept per connection: the hot paths' statements and the write batch's usual shapes, with room.
MOST_KEPT = 64


class statement_cursor:
    """``with connection.cursor() as cursor:`` for running ``sql`` (and reading its results inside the block)."""

    __slots__ = ("_connection", "_fresh", "_sql")

    def __init__(self, connection: Any, sql: str) -> None:
        self._connection = connection
        self._sql = sql
        self._fresh: Any = None

    def __enter__(self) -> Any:
        connection = self._connection
        held = connection.__dict__.get(_HELD)
        if held is not None and held[0] is connection.connection and not connection.queries_logged:
            cursor = held[1].get(self._sql)
            if cursor is not None:
                return cursor
        cursor = connection.cursor()  # opens the connection if there is none
        if connection.queries_logged:
            self._fresh = cursor  # a debug cursor: closed after this block, never kept
            return cursor
        driver = connection.connection
        if held is None or held[0] is not driver:
            held = connection.__dict__[_HELD] = (driver, {})
        kept: dict[str, Any] = held[1]
        if len(kept) >= MOST_KEPT:
            # Forgotten, not closed: a block may still be using it (a statement whose execute wrapper sent
            # the write batch first). A client-side cursor holds nothing on the server; it goes with its last
            # reference.
            del kept[next(iter(kept))]
        kept[self._sql] = cursor
        return cursor

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        fresh = self._fresh
        if fresh is not None:
            fresh.__exit__(exc_type, exc, tb)
