"""A guard around every adapter that moves money at a provider: its calls must run outside any
database transaction and row lock (MISSION: "Provider calls outside transactions").

A provider call inside a transaction holds row locks (and SQLite's write lock) for as long as the
provider takes, and a commit failure after the provider said yes loses our record of it. The guard
makes such a call fail loudly in tests and in production alike: it is a programming error, never
a state a request can cause. Django's test-case transactions (``_from_testcase``) don't count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


class ProviderCallInTransaction(RuntimeError):
    pass


def in_transaction() -> bool:
    db = connections[DEFAULT_DB_ALIAS]  # looked up once (each read through django.db.connection is a lookup)
    blocks = db.atomic_blocks
    if any(not getattr(block, "_from_testcase", False) for block in blocks):
        return True
    # No block of ours is open. The server must agree: a unit of work sends its own BEGIN with its first
    # read, with psycopg in autocommit (unit_of_work.begin_with_first_statement), so a transaction left
    # open on the server after its block would not show in psycopg's autocommit. (A test case's own
    # transaction is open on the server by design.)
    return not blocks and _open_on_the_server(db)


# libpq's PQTRANS_IDLE: no transaction open on the connection.
_IDLE = 0


def _open_on_the_server(db: Any) -> bool:
    driver = db.connection  # None until the connection is opened
    pgconn = getattr(driver, "pgconn", None)
    if pgconn is not None:
        return bool(pgconn.transaction_status != _IDLE)
    return bool(getattr(driver, "in_transaction", False))  # sqlite3


class OutsideTransactions:
    """Proxies an adapter; each public method first checks that no transaction is open."""

    def __init__(self, adapter: Any, *, name: str) -> None:
        self._adapter = adapter
        self._name = name

    @property
    def wrapped(self) -> Any:
        return self._adapter

    def __getattr__(self, attribute: str) -> Any:
        target = getattr(self._adapter, attribute)
        if attribute.startswith("_") or not callable(target):
            return target
        return self._guarded(attribute, target)

    def _guarded(self, attribute: str, target: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if in_transaction():
                raise ProviderCallInTransaction(f"{self._name}.{attribute} called inside a database transaction")
            return target(*args, **kwargs)

        return call
