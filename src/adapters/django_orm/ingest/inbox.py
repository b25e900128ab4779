"""Receiving a transaction in one statement: the row and the outbox message that processes it.

Seed 004's webhook is the hottest write path. On PostgreSQL one data-modifying CTE inserts the
transaction (``ON CONFLICT (transaction_id) DO NOTHING``) and, only if that row was new, its outbox
message; a single statement in autocommit is atomic, so there is no BEGIN/COMMIT round trip and the
202 is sent only after both rows are durable. The same statement reads the stored row when the id
was known, so a duplicate costs one statement too (or, if a concurrent sender's row committed after
our statement began, one more SELECT). Elsewhere (SQLite) the two inserts run in one transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import transaction as db
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.ingest.repository import (
    DjangoTransactionRepository,
    from_domain,
    insert_ignoring_conflict,
    to_domain,
)
from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from domain.ingest.transaction import Transaction


class DjangoTransactionInbox:
    def __init__(self, *, outbox: Callable[[], DjangoOutbox], max_attempts: int) -> None:
        self._outbox = outbox
        self._max_attempts = max_attempts
        self._transactions = DjangoTransactionRepository()

    def receive(self, transaction: Transaction, *, process_topic: str) -> tuple[Transaction, bool]:
        connection = _connection()
        if connection.vendor != "postgresql":
            return self._receive_in_a_transaction(transaction, process_topic)
        message_id = uuid.uuid4()
        sql, params = _insert_with_job(transaction, process_topic, message_id, self._max_attempts)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if not row[0]:
            known = _stored(row[2:])
            if known is None:  # the other sender committed after our statement began: read it now
                known = self._transactions.get(transaction.transaction_id)
            if known is None:  # deleted in between: only an operator does that
                raise LookupError(transaction.transaction_id)
            return known, False
        if row[1] is not None:
            self._outbox().nudge_on_commit(str(row[1]), process_topic)
        return transaction, True

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


def _insert_with_job(
    candidate: Transaction, topic: str, message_id: uuid.UUID, max_attempts: int
) -> tuple[str, list[object]]:
    connection = _connection()
    insert, params = insert_ignoring_conflict(from_domain(candidate), returning="transaction_id")
    quote = connection.ops.quote_name
    outbox = quote(OutboxMessage._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"WITH stored AS ({insert}), job AS ("  # noqa: S608 - names from model meta
        f"INSERT INTO {outbox} (id, topic, payload, dedupe_key, status, attempts, max_attempts, next_attempt_at, "
        "last_error, created_at) "
        "SELECT %s, %s, %s::jsonb, %s, %s, 0, %s, %s, '', %s FROM stored "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id) "
        # The outer SELECT sees the table as it was before this statement: the known row, if any.
        f"SELECT (SELECT count(*) FROM stored), (SELECT id FROM job), {', '.join(f'known.{c}' for c in _columns())} "
        f"FROM (SELECT 1) AS one LEFT JOIN {quote(IngestedTransaction._meta.db_table)} AS known "
        f"ON known.{quote('transaction_id')} = %s AND NOT EXISTS (SELECT 1 FROM stored)"
    )
    params += [
        message_id,
        topic,
        json.dumps(_payload(candidate)),
        _dedupe_key(candidate),
        OutboxMessage.Status.PENDING,
        max_attempts,
        now,
        now,
        candidate.transaction_id,
    ]
    return sql, params


def _columns() -> list[str]:
    connection = _connection()
    return [connection.ops.quote_name(field.column) for field in IngestedTransaction._meta.concrete_fields]


def _stored(values: tuple[object, ...]) -> Transaction | None:
    connection = _connection()
    if values[0] is None:
        return None
    fields = [field.attname for field in IngestedTransaction._meta.concrete_fields]
    converted = []
    for field, value in zip(IngestedTransaction._meta.concrete_fields, values, strict=True):
        for converter in field.get_db_converters(connection):
            value = converter(value, field, connection)
        converted.append(value)
    return to_domain(IngestedTransaction.from_db("default", fields, converted))


def _connection() -> BaseDatabaseWrapper:
    """The default connection itself: each attribute read through django.db.connection's proxy is a
    thread-local lookup, and a request here makes dozens."""
    return connections[DEFAULT_DB_ALIAS]
