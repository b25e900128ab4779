"""Outbox persistence: the writer used inside units of work and the store used by workers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.shared.rows import parse_uuid
from application.shared.events import Message
from application.shared.outbox import DEFAULT_MAX_ATTEMPTS, ClaimedMessage
from domain.shared.ids import new_id, new_ids

# Called once per commit with every (message id, topic) it made due: the topic picks the queue
# (entrypoints/tasks/queues.py), and the whole list is one wake-up (entrypoints/tasks/wake.py).
Dispatch = Callable[[Sequence[tuple[str, str]]], None]


class DjangoOutbox:
    """Writes outbox rows in the caller's transaction and, after commit, nudges a worker.

    The nudge is only a latency shortcut; the sweeper finds anything it misses.
    """

    def __init__(self, dispatch: Dispatch | None = None, max_attempts: dict[str, int] | None = None) -> None:
        self._dispatch = dispatch
        self._max_attempts = max_attempts or {}

    def add(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        now = timezone.now()
        message_id = new_id()
        # Looked up once for the write and the nudge (Django's connections are context-local: a lookup costs).
        db = transaction.get_connection()
        # ON CONFLICT DO NOTHING: the same side effect asked for twice is one side effect, in one
        # statement (a savepoint + insert + release costs three round trips on the hot path).
        # Held by the open unit of work and sent with its other writes, in one statement before it commits.
        write_batch.insert_values(
            OutboxMessage,
            {
                "id": message_id,
                "topic": topic,
                "payload": payload,
                "dedupe_key": dedupe_key,
                "max_attempts": self._max_attempts.get(topic, DEFAULT_MAX_ATTEMPTS),
                "next_attempt_at": not_before or now,
                "created_at": now,
            },
            ignore_conflicts=dedupe_key is not None,
            connection=db,
        )
        if (not_before is None or not_before <= now) and self._dispatch is not None:
            self._nudge(db, str(message_id), topic)

    def add_all(self, messages: Sequence[Message]) -> None:
        """``add`` for each (topic, payload, dedupe key), all due now: what one publish writes.

        The time, the connection, its write batch and the commit's wake-up are looked up once for all of
        them, and each row starts from the model's constant defaults worked out once (not per row)."""
        if not messages:
            return
        now = timezone.now()
        batch = write_batch.current_batch()
        db = batch.connection if batch is not None else transaction.get_connection()
        starting = _starting_columns()
        budgets = self._max_attempts
        woken: list[tuple[str, str]] = []
        # Their ids from one reading of the clock and one draw of randomness (domain/shared/ids.py).
        for message_id, (topic, payload, dedupe_key) in zip(new_ids(len(messages)), messages, strict=True):
            row = {
                "id": message_id,
                "topic": topic,
                "payload": payload,
                "dedupe_key": dedupe_key,
                "max_attempts": budgets.get(topic, DEFAULT_MAX_ATTEMPTS),
                "next_attempt_at": now,
                "created_at": now,
            }
            if batch is None or starting is None:
                # No unit of work open (written at once), or a default to work out per row.
                write_batch.insert_values(OutboxMessage, row, ignore_conflicts=dedupe_key is not None, connection=db)
            else:
                batch.insert(OutboxMessage, {**starting, **row}, ignore_conflicts=dedupe_key is not None)
            woken.append((str(message_id), topic))
        if self._dispatch is not None:
            self._nudge_all(db, woken)

    def nudge_on_commit(self, message_id: str, topic: str) -> None:
        """After the caller's commit (at once in autocommit), tell a worker the message is due.

        Every message of one transaction joins one on-commit callback, so a commit wakes workers once
        whatever number of messages it wrote.
        """
        if self._dispatch is None:
            return
        self._nudge(transaction.get_connection(), message_id, topic)

    def _nudge(self, db: Any, message_id: str, topic: str) -> None:
        """``nudge_on_commit`` on ``db``, the default database's connection object the caller looked up."""
        self._nudge_all(db, [(message_id, topic)])

    def _nudge_all(self, db: Any, messages: list[tuple[str, str]]) -> None:
        """``messages`` (id, topic) join this transaction's wake-up, or one registered now."""
        assert self._dispatch is not None
        wake = _open_wake(db, self._dispatch) if db.in_atomic_block else None
        if wake is None:
            wake = _CommitWake(self._dispatch, frozenset(db.savepoint_ids))
            wake.messages.extend(messages)
            db.on_commit(wake)  # ``transaction.on_commit``; in autocommit: runs right here
        else:
            wake.messages.extend(messages)


# The columns ``add_all`` writes itself; every other one starts at the model's default.
_WRITTEN = frozenset({"id", "topic", "payload", "dedupe_key", "max_attempts", "next_attempt_at", "created_at"})


@functools.cache
def _starting_columns() -> dict[str, Any] | None:
    """What every other column of a new outbox row starts as (pending, no attempts, no error), read from
    the model once; None if a default is computed per row (a callable): then ``row_values`` per row."""
    rest = [f for f in OutboxMessage._meta.concrete_fields if f.attname not in _WRITTEN]
    if any(f.has_default() and callable(f.default) for f in rest):
        return None
    return {f.attname: f.get_default() for f in rest}


class _CommitWake:
    """The on-commit callback that hands every message of one transaction to ``dispatch`` at once."""

    __slots__ = ("dispatch", "messages", "savepoints", "spent")

    def __init__(self, dispatch: Dispatch, savepoints: frozenset[str]) -> None:
        self.dispatch = dispatch
        self.messages: list[tuple[str, str]] = []
        # The blocks open when it was registered: a rollback of any of them drops the callback (Django).
        self.savepoints = savepoints
        self.spent = False

    def __call__(self) -> None:
        self.spent = True
        self.dispatch(self.messages)


def _open_wake(connection: Any, dispatch: Dispatch) -> _CommitWake | None:
    """This transaction's wake that a message written now may join, if any.

    Django keeps the callbacks of the open transaction in ``run_on_commit`` and drops those of a
    rolled-back savepoint from it, so a wake found there is still going to run. A message joins it
    only if every block the wake was registered in is still open (the message lives or dies with
    them); a message written after a nested block closed gets a wake of its own, registered where it
    was written. A message of a savepoint rolled back later stays in an outer wake: its worker finds
    no row to claim and skips it.
    """
    open_blocks = set(connection.savepoint_ids)
    for _, callback, _ in reversed(connection.run_on_commit):
        if (
            isinstance(callback, _CommitWake)
            and callback.dispatch is dispatch
            and not callback.spent  # run by a test's captured callbacks: the transaction goes on
            and callback.savepoints <= open_blocks
        ):
            return callback
    return None


class DjangoOutboxStore:
    def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> ClaimedMessage | None:
        """One conditional ``UPDATE ... RETURNING``: one round trip, and only one worker wins a row.

        Claiming is the hot path of every outbox consumer (webhook deliveries above all), so it is
        one statement rather than update + select + save in a transaction.
        """
        key = parse_uuid(message_id)
        if key is None:
            return None
        ops = connection.ops
        table = OutboxMessage._meta.db_table
        sql = (
            f"UPDATE {table} SET status = %s, locked_until = %s, attempts = attempts + 1 "  # noqa: S608 - constant
            "WHERE id = %s AND ((status = %s AND next_attempt_at <= %s) OR (status = %s AND locked_until < %s)) "
            "RETURNING topic, payload, attempts, max_attempts"
        )
        stamp = ops.adapt_datetimefield_value(now)
        params = [
            OutboxMessage.Status.PROCESSING.value,
            ops.adapt_datetimefield_value(now + lease),
            OutboxMessage._meta.pk.get_db_prep_value(key, connection),
            OutboxMessage.Status.PENDING.value,
            stamp,
            OutboxMessage.Status.PROCESSING.value,
            stamp,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        topic, payload, attempts, max_attempts = row
        if isinstance(payload, (str, bytes)):  # SQLite hands JSON back as text
            payload = json.loads(payload)
        return ClaimedMessage(
            id=str(key), topic=topic, payload=payload, attempts=int(attempts), max_attempts=int(max_attempts)
        )

    def mark_done(self, message_id: str, *, now: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.DONE, processed_at=now, locked_until=None, last_error=""
        )

    def mark_retry(self, message_id: str, *, error: str, next_attempt_at: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=next_attempt_at, locked_until=None, last_error=error
        )

    def defer(self, message_id: str, *, reason: str, next_attempt_at: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=next_attempt_at,
            locked_until=None,
            last_error=reason,
            attempts=Greatest(F("attempts") - 1, 0),
        )

    def mark_dead(self, message_id: str, *, error: str, now: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.DEAD, processed_at=now, locked_until=None, last_error=error
        )

    def due_ids(self, *, now: datetime, limit: int) -> list[str]:
        due = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
            status=OutboxMessage.Status.PROCESSING, locked_until__lt=now
        )
        ids = OutboxMessage.objects.filter(due).order_by("next_attempt_at").values_list("id", flat=True)[:limit]
        return [str(i) for i in ids]

    def due_messages(self, *, now: datetime, limit: int) -> list[tuple[str, str]]:
        """Like due_ids, with each message's topic (the sweeper routes each to its queue)."""
        due = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
            status=OutboxMessage.Status.PROCESSING, locked_until__lt=now
        )
        rows = OutboxMessage.objects.filter(due).order_by("next_attempt_at").values_list("id", "topic")[:limit]
        return [(str(i), str(t)) for i, t in rows]

    def requeue(self, message_id: str, *, now: datetime) -> bool:
        """Give a dead (or stuck) message a fresh set of attempts; used from the admin."""
        return bool(
            OutboxMessage.objects.filter(pk=message_id)
            .exclude(status=OutboxMessage.Status.DONE)
            .update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=now, locked_until=None)
        )
