"""The hot paths' statements on one Django cursor per connection, kept from one statement to the next.

``connection.cursor()`` is about 27 Python calls (Django's async-safety, health and thread-sharing checks,
the driver's cursor, Django's wrapper around it) and closing it a few more: for a request of one to three
statements (an ingestion, an order, a card payment) about 8% of all its Python calls. ``statement_cursor``
hands out the same wrapper again instead, so each statement still runs through Django's
``CursorWrapper.execute``: the connection's execute wrappers (the write batch, the pipelined BEGIN), the
broken-transaction check and the translation of driver errors all stay as they were.

A wrapper is only reused on the driver connection it was made on (a connection closed and opened again
gets a new one) and never while queries are logged (``DEBUG``, ``assertNumQueries``, the statement budget
tests): those statements get a fresh debug cursor each, closed after the block, as ``connection.cursor()``
gives. A cursor opens the connection if there is none, as ``connection.cursor()`` does.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

_HELD = "_partnerpay_statement_cursor"


class statement_cursor:
    """``with connection.cursor() as cursor:`` for a statement whose results are read inside the block."""

    __slots__ = ("_connection", "_fresh")

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._fresh: Any = None

    def __enter__(self) -> Any:
        connection = self._connection
        driver = connection.connection
        held = connection.__dict__.get(_HELD)
        if held is not None and held[0] is driver and not connection.queries_logged:
            return held[1]
        cursor = connection.cursor()
        if connection.queries_logged:
            self._fresh = cursor  # a debug cursor: closed after this block, never kept
        else:
            connection.__dict__[_HELD] = (connection.connection, cursor)
        return cursor

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        fresh = self._fresh
        if fresh is not None:
            fresh.__exit__(exc_type, exc, tb)
