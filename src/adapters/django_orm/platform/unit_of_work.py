"""The Django unit of work: one transaction.atomic() block with the repositories a use case needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
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
        # One entry per open block of this unit of work: (atomic, the batch it installed or None, joined,
        # its connection if it was opened lazily else None).
        self._blocks: list[tuple[Any, WriteBatch | None, bool, Any]] = []

    def __enter__(self) -> DjangoUnitOfWork:
        joined = _JOINING.get()
        atomic = transaction.atomic(savepoint=not joined)
        connection = connections[DEFAULT_DB_ALIAS]
        lazily = not joined and _open_lazily(atomic, connection)
        if not lazily:
            atomic.__enter__()
        # Installed after the block opened: its BEGIN/SAVEPOINT sends what an outer batch held.
        installed = None if joined else open_batch(connection)
        if installed is not None and connection.vendor == "postgresql":
            connection.execute_wrappers.append(begin_with_first_statement)
        self._blocks.append((atomic, installed, joined, connection if lazily else None))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        atomic, installed, joined, lazy_connection = self._blocks.pop()
        batch = current_batch()
        try:
            if batch is not None and exc_type is None and not joined:
                if installed is not None:
                    # The batch is the block's last statement: it begins nothing (see _send_and_commit).
                    _stop_beginning(installed.connection)
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
                _stop_beginning(installed.connection)
            _close(atomic, lazy_connection, exc_type, exc, tb)
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
    connection = connections[DEFAULT_DB_ALIAS]
    lazily = _open_lazily(atomic, connection)
    if not lazily:
        atomic.__enter__()
    try:
        installed = open_batch(connection)
        if lazily:
            connection.execute_wrappers.append(begin_with_first_statement)
        token = _JOINING.set(True)
        try:
            yield
            batch = current_batch()
            if batch is not None:
                _stop_beginning(connection)
                _send_and_commit(batch)
        finally:
            _JOINING.reset(token)
            if installed is not None:
                close_batch(installed)
            _stop_beginning(connection)
    except BaseException as failed:
        atomic.__exit__(type(failed), failed, failed.__traceback__)
        raise
    # Commits (unless _send_and_commit did) and runs the on-commit callbacks, outside any pipeline.
    _close(atomic, connection if lazily else None, None, None, None)


def _open_lazily(atomic: Any, connection: Any) -> bool:
    """Opens ``atomic`` as the outermost block of a transaction that begins at its first statement, and
    says True; False (nothing done) when the block must open the usual way.

    Django opening a block turns psycopg's autocommit off, and closing it commits and turns it on again:
    about 70 Python calls for a unit of work, even when the whole transaction is the one statement its batch
    sends alone (``_send_alone``), which needs neither. So on PostgreSQL an outermost block leaves psycopg in
    autocommit and sets only Django's side of what ``Atomic.__enter__`` sets: from Django's view it is an
    atomic block with autocommit off (savepoints, ``select_for_update``, ``on_commit`` and the provider-call
    guard behave as in any block). The server is told by ``begin_with_first_statement``, which sends our
    BEGIN with whatever statement comes first (a read, a savepoint, a batch a read flushed). A block that
    only held writes sends its batch alone, and ``_close`` undoes Django's side without a round trip.

    Only where psycopg's own BEGIN would be the plain one ours is (no isolation level but READ COMMITTED,
    neither read-only nor deferrable), with nothing open on the connection.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block or not connection.get_autocommit():
        return False
    connection.close_if_health_check_failed()
    connection.ensure_connection()  # opening a connection resets every flag set below
    driver = connection.connection
    pgconn = driver.pgconn
    if (
        driver.isolation_level not in _BEGIN
        or driver.read_only is not None
        or driver.deferrable is not None
        or not driver.autocommit
        or pgconn.transaction_status != TransactionStatus.IDLE
        or pgconn.pipeline_status != PipelineStatus.OFF
    ):
        return False
    # Atomic.__enter__ for the outermost block, but for set_autocommit(False).
    connection.commit_on_exit = True
    connection.needs_rollback = False
    connection.autocommit = False
    connection.in_atomic_block = True
    connection.atomic_blocks.append(atomic)
    return True


def _close(
    atomic: Any,
    lazy_connection: Any,
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> None:
    """Closes a block ``_open_lazily`` opened (``lazy_connection``: its connection) or ``Atomic.__enter__`` did
    (None).

    A lazily opened block that ends well with no transaction open on the server (it sent its batch alone,
    or committed in ``_send_and_commit``): ``Atomic.__exit__`` would only call a commit that sends nothing
    and turn on an autocommit that is on, so Django's side is undone here and the on-commit callbacks
    run, as ``set_autocommit(True)`` runs them. Anything else (an exception, a rollback asked for, a
    connection closed meanwhile, a transaction still open) is Django's own exit.
    """
    if lazy_connection is not None and exc_type is None:
        connection = lazy_connection
        driver = connection.connection
        if (
            not connection.needs_rollback
            and not connection.closed_in_transaction
            and driver is not None
            and driver.autocommit
            and driver.pgconn.transaction_status == TransactionStatus.IDLE
            and connection.atomic_blocks == [atomic]
            and not connection.savepoint_ids
        ):
            connection.atomic_blocks.pop()
            connection.in_atomic_block = False
            connection.errors_occurred = False
            connection.autocommit = True
            connection.run_and_clear_commit_hooks()
            return
    atomic.__exit__(exc_type, exc, tb)


def _stop_beginning(connection: Any) -> None:
    wrappers = connection.execute_wrappers
    if begin_with_first_statement in wrappers:
        wrappers.remove(begin_with_first_statement)


def begin_with_first_statement(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """An execute wrapper (PostgreSQL, while an outermost unit of work is open): the transaction's first
    statement and its BEGIN leave in one pipeline, one round trip instead of two.

    psycopg sends its own BEGIN before a transaction's first statement and waits for its answer, even
    inside a pipeline. So psycopg is in autocommit for that statement (it then sends no BEGIN) and the
    BEGIN is ours, in the same pipeline: from then on the server holds the transaction open, every
    statement runs in it, and it ends as any other: the batch with its COMMIT (``_send_and_commit``),
    Django's commit, or a rollback (psycopg sends COMMIT and ROLLBACK whenever a transaction is open,
    whatever its autocommit says). Django's own autocommit stays off, so nested blocks take savepoints as
    before; leaving the outermost block turns autocommit on again anyway.

    A block ``_open_lazily`` opened left psycopg in autocommit from the start: its BEGIN is always ours,
    sent alone first when the statement cannot share a pipeline (``executemany``, a named cursor). A block
    opened the usual way (psycopg's autocommit off) keeps psycopg's own BEGIN for those, and for any BEGIN
    but the plain one (an isolation level but READ COMMITTED, read-only, deferrable).
    """
    connection = context["connection"]
    driver = connection.connection
    pgconn = driver.pgconn
    if pgconn.transaction_status != TransactionStatus.IDLE or not connection.in_atomic_block:
        return execute(sql, params, many, context)
    begin = _BEGIN.get(driver.isolation_level)
    alone = (
        many
        or pgconn.pipeline_status != PipelineStatus.OFF
        or isinstance(context["cursor"].cursor, ServerCursor)  # a named cursor cannot run in a pipeline
    )
    if not driver.autocommit:
        if begin is None or alone or driver.read_only is not None or driver.deferrable is not None:
            return execute(sql, params, many, context)  # psycopg's own BEGIN
        driver.autocommit = True
    elif alone:
        with connection.wrap_database_errors:
            driver.execute(begin or b"BEGIN", prepare=False)
        return execute(sql, params, many, context)
    with connection.wrap_database_errors:
        opening = driver.cursor()
        try:
            with driver.pipeline():
                opening.execute(begin or b"BEGIN", prepare=False)
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
    if (
        connection.vendor != "postgresql"
        or len(connection.atomic_blocks) != 1
        or connection.savepoint_ids  # the block is a savepoint (under autocommit turned off by hand)
        or not connection.commit_on_exit  # nor does it end the transaction: Django would not commit
        or connection.needs_rollback
    ):
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
    if driver.autocommit:
        batch.send()  # a block _open_lazily opened: psycopg is in autocommit already
        return
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
