"""Receiving a transaction atomically with the outbox message that processes it.

Seed 004's webhook is the hottest write path. On PostgreSQL one prepared statement
(receive_statement.py) inserts the transaction (``ON CONFLICT (transaction_id) DO NOTHING``), only
if that row was new its outbox message, and reads the stored row when the id was known; a single
statement in autocommit is atomic, so there is no BEGIN/COMMIT round trip and the 202 is sent only
after both rows are durable. With group commit on (group_commit.py), concurrent requests of the
process share that statement. Elsewhere (SQLite) the two inserts run in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import transaction as db
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from adapters.django_orm.ingest.group_commit import GroupCommitter
from adapters.django_orm.ingest.receive_statement import Outcome, receive_all
from adapters.django_orm.ingest.repository import DjangoTransactionRepository
from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from domain.ingest.transaction import Transaction

_PENDING = OutboxMessage.Status.PENDING.value


class DjangoTransactionInbox:
    def __init__(
        self, *, outbox: Callable[[], DjangoOutbox], max_attempts: int, group_commit: GroupCommitter | None = None
    ) -> None:
        self._outbox = outbox
        self._max_attempts = max_attempts
        self._transactions = DjangoTransactionRepository()
        self._group_commit = group_commit

    def receive(self, transaction: Transaction, *, process_topic: str) -> tuple[Transaction, bool]:
        connection = _connection()
        if connection.vendor != "postgresql":
            return self._receive_in_a_transaction(transaction, process_topic)

        def write(candidates: Sequence[Transaction]) -> dict[str, Outcome]:
            # Runs on the thread that writes the batch, with its connection: this one, or a group's leader.
            return self._write(connection, candidates, process_topic)

        # Inside a caller's transaction (a signed sender's receipt) a batch would answer other requests
        # before that transaction commits: those requests write alone.
        if self._group_commit is not None and not connection.in_atomic_block:
            outcome = self._group_commit.submit(transaction, write)
        else:
            outcome = write([transaction])[transaction.transaction_id]
        if outcome.message_id is not None:
            self._outbox().nudge_on_commit(outcome.message_id, process_topic)
        assert outcome.stored is not None  # _write reads every known row it was not given
        return outcome.stored, outcome.created

    def _write(
        self, connection: BaseDatabaseWrapper, candidates: Sequence[Transaction], topic: str
    ) -> dict[str, Outcome]:
        now = timezone.now()
        outcomes = receive_all(
            connection, candidates, topic=topic, job_status=_PENDING, max_attempts=self._max_attempts, now=now
        )
        for transaction_id, outcome in outcomes.items():
            if outcome.stored is None:  # another sender committed it after our statement began: read it now
                known = self._transactions.get(transaction_id)
                if known is None:  # deleted in between: only an operator does that
                    raise LookupError(transaction_id)
                outcomes[transaction_id] = Outcome(known, False)
        return outcomes

    def _receive_in_a_transaction(self, candidate: Transaction, process_topic: str) -> tuple[Transaction, bool]:
        with db.atomic():
            stored, created = self._transactions.add_if_absent(candidate)
            if created:
                self._outbox().add(process_topic, _payload(candidate), dedupe_key=_dedupe_key(candidate))
        return stored, created


def _payload(candidate: Transaction) -> dict[str, str]:
    return {"transaction_id": candidate.transaction_id}


def _dedupe_key(candidate: Transaction) -> str:
    return f"ingest:{candidate.transaction_id}"


def _connection() -> BaseDatabaseWrapper:
    """The default connection itself: each attribute read through django.db.connection's proxy is a
    thread-local lookup, and a request here makes dozens."""
    return connections[DEFAULT_DB_ALIAS]
