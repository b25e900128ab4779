"""The Django unit of work: one transaction.atomic() block with the repositories a use case needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from django.db import DatabaseError, transaction
from psycopg import IsolationLevel, ServerCursor
from psycopg.pq import PipelineStatus, TransactionStatus

from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.write_batch import (
    ROW_CHANGED,
    WriteBatch,
    close_batch,
    current_batch,
    open_batch,
)
from application.shared.ports import RowChanged

# Set inside ``one_transaction``: units of work opened there join it instead of nesting.
_JOINING: ContextVar[bool] = ContextVar("partnerpay_unit_of_work_joining", default=False)


class DjangoUnitOfWork:
    """Commits when the block exits cleanly, rolls back on any exception.

    Repositories are attached by the composition root as plain attributes, so one class
    serves every context's UnitOfWork protocol. Their writes are held in the connection's
    write batch (write_batch.py) and sent as one statement just before the block commits
    (or releases its savepoint, when nested); an exception drops them with the rollback.

    The outermost block's batch and the end of its transaction leave in one round trip (``_send_and_commit``).

    Inside ``one_transaction`` a block joins that transaction: no savepoint, its writes stay
    in the batch until the transaction's end, and an exception dooms the whole transaction.
    """

    def __init__(self, *, outbox: DjangoOutbox, **repositories: Any) -> None:
        self.outbox = outbox
        for name, repository in repositories.items():
            setattr(self, name, repository)
        # One entry per open block of this unit of work: (atomic, the batch it installed or None, joined).
        self._blocks: list[tuple[Any, WriteBatch | None, bool]] = []

    def __enter__(self) -> DjangoUnitOfWork:
        joined = _JOINING.get()
        atomic = transaction.atomic(savepoint=not joined)
        atomic.__enter__()
        # Installed after the block opened: its BEGIN/SAVEPOINT sends what an outer batch held.
        installed = None if joined else open_batch()
        if installed is not None and installed.connection.vendor == "postgresql":
            installed.connection.execute_wrappers.append(begin_with_first_statement)
        self._blocks.append((atomic, installed, joined))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        atomic, installed, joined = self._blocks.pop()
        batch = current_batch()
        try:
            if batch is not None and exc_type is None and not joined:
                _send_and_commit(batch)
        except BaseException as failed:
            exc_type, exc, tb = type(failed), failed, failed.__traceback__
            if _row_changed(failed):
                raise RowChanged from failed
            raise
        finally:
            if batch is not None and exc_type is not None:
                # Everything held was written inside this block (a savepoint sends what came before);
                # joined, the whole transaction rolls back, so nothing held may be sent either.
                batch.drop()
            if installed is not None:
                # Removed before the commit: its on-commit callbacks (in-process workers) write on their own.
                close_batch(installed)
                wrappers = installed.connection.execute_wrappers
                if begin_with_first_statement in wrappers:
                    wrappers.remove(begin_with_first_statement)
            atomic.__exit__(exc_type, exc, tb)
        if exc is not None and _row_changed(exc):
            # The batch went out before another statement of the block, and a row held as known had changed.
            raise RowChanged from exc


def _row_changed(failed: BaseException) -> bool:
    """Whether ``failed`` is the guard of rows held as known finding one changed (nothing was written)."""
    cause = failed.__cause__ if isinstance(failed, DatabaseError) else None
    return getattr(cause, "sqlstate", None) == ROW_CHANGED


def in_one_transaction() -> bool:
    """Inside ``one_transaction``: a unique conflict fails the whole transaction and nothing is kept
    (its caller then decides the request another way), so a row may be held for the batch without
    asking the database first whether its key is taken."""
    return _JOINING.get()


@contextmanager
def one_transaction() -> Iterator[None]:
    """One transaction for a whole operation: the units of work opened in it join it without savepoints,
    their writes and whatever the block itself holds go out in one batch at its end, then one commit.

    For operations that write only our database: an exception anywhere rolls everything back (a use
    case may not catch a failed unit of work and carry on inside it).
    """
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        installed = open_batch()
        token = _JOINING.set(True)
        try:
            yield
            batch = current_batch()
            if batch is not None:
                _send_and_commit(batch)
        finally:
            _JOINING.reset(token)
            if installed is not None:
                close_batch(installed)
    except BaseException as failed:
        atomic.__exit__(type(failed), failed, failed.__traceback__)
        raise
    # Commits (unless _send_and_commit did) and runs the on-commit callbacks, outside any pipeline.
    atomic.__exit__(None, None, None)


def begin_with_first_statement(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """An execute wrapper (PostgreSQL, while an outermost unit of work is open): the transaction's first
    statement and its BEGIN leave in one pipeline, one round trip instead of two.

    psycopg sends its own BEGIN before a transaction's first statement and waits for its answer, even
    inside a pipeline. So the connection is put in autocommit for that statement (psycopg then sends no
    BEGIN) and the BEGIN is ours, in the same pipeline: from then on the server holds the transaction
    open, every statement runs in it, and it ends as any other: the batch with its COMMIT
    (``_send_and_commit``), Django's commit, or a rollback (psycopg sends COMMIT and ROLLBACK whenever a
    transaction is open, whatever its autocommit says). Django's own autocommit stays off, so nested
    blocks take savepoints as before; leaving the outermost block turns autocommit on again anyway.

    Only for the BEGIN psycopg itself would send (no isolation level but READ COMMITTED, neither read-only
    nor deferrable), a single execute and a client-side cursor (a named cursor cannot run in a pipeline);
    anything else keeps psycopg's own BEGIN.
    """
    connection = context["connection"]
    driver = connection.connection
    pgconn = driver.pgconn
    begin = _BEGIN.get(driver.isolation_level)
    if (
        begin is None
        or many
        or driver.autocommit
        or pgconn.transaction_status != TransactionStatus.IDLE
        or pgconn.pipeline_status != PipelineStatus.OFF
        or driver.read_only is not None
        or driver.deferrable is not None
        or isinstance(context["cursor"].cursor, ServerCursor)
    ):
        return execute(sql, params, many, context)
    with connection.wrap_database_errors:
        driver.autocommit = True
        opening = driver.cursor()
        try:
            with driver.pipeline():
                opening.execute(begin, prepare=False)
                # Its results are fetched when the pipeline ends, before the caller reads them.
                return execute(sql, params, many, context)
        finally:
            opening.close()


# The BEGIN psycopg sends at each isolation level we send it for.
_BEGIN = {None: b"BEGIN", IsolationLevel.READ_COMMITTED: b"BEGIN ISOLATION LEVEL READ COMMITTED"}


def _send_and_commit(batch: WriteBatch) -> None:
    """Sends the batch, and on PostgreSQL, when this is the outermost block, ends the transaction in the
    same round trip. Django's own commit then finds the transaction ended and only runs its on-commit
    callbacks.

    - Nothing of the transaction reached the server yet (psycopg sends BEGIN with the first statement):
      the batch is everything it writes, one statement, and a statement outside a transaction block is a
      transaction of its own, atomic. It goes alone, in autocommit: no BEGIN, no COMMIT.
    - Otherwise the batch and a COMMIT go in one pipeline with one Sync. (``driver.commit()`` inside a
      pipeline syncs on its own, and leaving the pipeline syncs again: a round trip each.) A failed batch
      aborts the pipeline before the COMMIT, and Django's rollback follows as for any failed statement.
    """
    connection = batch.connection
    if connection.vendor != "postgresql" or len(connection.atomic_blocks) != 1 or connection.needs_rollback:
        batch.send()
        return
    if batch.holds_nothing():
        return  # Django's commit alone: one round trip, none if nothing was sent
    driver = connection.connection
    if driver.pgconn.transaction_status == TransactionStatus.IDLE:
        if driver.isolation_level not in _ONE_STATEMENT_LEVELS:
            batch.send()  # a block asked to run at a stricter level keeps its BEGIN
            return
        _send_alone(batch)
        return
    commit = driver.cursor()
    try:
        with connection.wrap_database_errors, driver.pipeline():
            batch.send()
            commit.execute(_COMMIT, prepare=False)
    finally:
        commit.close()


def _send_alone(batch: WriteBatch) -> None:
    """The batch as the whole transaction: one statement in autocommit, atomic by itself."""
    connection = batch.connection
    driver = connection.connection
    with connection.wrap_database_errors:
        driver.autocommit = True
        try:
            batch.send()
        finally:
            driver.autocommit = False


_COMMIT = b"COMMIT"
# The isolation levels under which a statement alone runs as it would in the block: psycopg leaves the
# server's default (None) or asks for READ COMMITTED, PostgreSQL's default.
_ONE_STATEMENT_LEVELS = (None, IsolationLevel.READ_COMMITTED)
