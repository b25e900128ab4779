"""What reaches PostgreSQL: libpq's own trace of the default connection's protocol messages (issue 15).

Django's captured queries list what Django executes, plus the ``BEGIN`` and ``COMMIT`` it notes when a
block opens and commits, whether or not psycopg sent them. The wire says what the server was asked:
each simple ``Query`` and each extended-protocol ``Execute`` is one statement (a prepared statement is
executed without a ``Parse``), and every time the client sends after it has read, it waited for an
answer first: one round trip.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Wire:
    statements: list[str] = field(default_factory=list)
    round_trips: int = 0


@contextmanager
def traced() -> Iterator[Wire]:
    """The statements and round trips of the default connection while the block runs (PostgreSQL)."""
    from django.db import connection
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    wire = Wire()
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield wire
        finally:
            pgconn.untrace()
        trace.seek(0)
        _read(trace.read(), wire)


def _read(lines: str, wire: Wire) -> None:
    # Lines are "<F|B>\t<length>\t<message>\t<fields>": F what the client sent, B what the server answered.
    parsing = ""
    last_from = "B"
    for line in lines.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue  # a message's fields that went on to the next line
        direction, _, message, *rest = [*parts, ""]
        if direction == "F" and last_from == "B":
            wire.round_trips += 1
        last_from = direction
        if direction != "F":
            continue
        if message == "Query":
            wire.statements.append(rest[0].strip().strip('"'))
        elif message == "Parse":
            parsing = _parsed_text(rest[0])
        elif message == "Execute":
            wire.statements.append(parsing or "(prepared)")
            parsing = ""


def _parsed_text(fields: str) -> str:
    """A Parse message's statement text (its first line): the fields are ``"name" "text" nparams [types]``."""
    fields = fields.strip()
    text = fields[fields.index('"', 1) + 1 :].strip().removeprefix('"')
    return re.sub(r'"\s+\d+(\s+\S+)*$', "", text)
