"""Receiving transactions on PostgreSQL in one statement: rows, their processing jobs, the known rows.

One statement takes any number of candidates as one JSON parameter (``json_to_recordset``: a single
value to quote client-side; eleven arrays cost more Python than the rest of the write). It inserts the
transactions (``ON CONFLICT (transaction_id) DO NOTHING``), an outbox message for each row that was
new, and reads back the stored row of each id that was already known. A single statement in
autocommit is atomic: when it returns, every new row and its job are durable together, with no
BEGIN/COMMIT round trip.

The text never changes (the batch size is in the JSON, not in the SQL). With psycopg's server-side
binding (settings DB_SERVER_SIDE_BINDING, on by default for PostgreSQL) a connection prepares it by
name after a few executions, so PostgreSQL neither parses nor plans the CTE again; without binding
(behind a pooler that cannot keep prepared statements) it is planned on every call and still correct.
Preparing is the driver's job, not this module's: an SQL-level ``PREPARE`` would break behind such a
pooler and cannot take bound parameters in ``EXECUTE``.

Candidates are written in ``transaction_id`` order: two concurrent batches that share ids then wait on
each other in one order and cannot deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from adapters.django_orm.shared.statement_cursor import statement_cursor
from domain.ingest.transaction import Transaction, TransactionStatus
from domain.shared.money import Money

# The payload and dedupe key are built in SQL; they must equal inbox._payload and inbox._dedupe_key
# (the SQLite path's), which tests/integration/ingest check.
_RECEIVE = """WITH input AS (
  SELECT * FROM json_to_recordset(%(rows)s::json)
    AS i(transaction_id text, source_account text, destination_account text, amount_minor bigint, currency text,
         status text, attempts integer, last_error text, created_at timestamptz, processed_at timestamptz,
         source_id text)
), stored AS (
  INSERT INTO ingest_transaction (transaction_id, source_account, destination_account, amount_minor, currency,
    status, attempts, last_error, created_at, processed_at, source_id)
  SELECT transaction_id, source_account, destination_account, amount_minor, currency, status, attempts,
    last_error, created_at, processed_at, source_id FROM input
  ON CONFLICT (transaction_id) DO NOTHING
  RETURNING transaction_id
), job AS (
  INSERT INTO outbox_message (id, topic, payload, dedupe_key, status, attempts, max_attempts, next_attempt_at,
    last_error, created_at)
  SELECT gen_random_uuid(), %(topic)s::text, jsonb_build_object('transaction_id', stored.transaction_id),
    'ingest:' || stored.transaction_id, %(status)s::text, 0, %(max_attempts)s::integer, %(now)s::timestamptz, '',
    %(now)s::timestamptz FROM stored
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key
)
SELECT input.transaction_id, stored.transaction_id IS NOT NULL, job.id, known.transaction_id, known.source_account,
  known.destination_account, known.amount_minor, known.currency, known.status, known.created_at,
  known.processed_at, known.attempts, known.last_error, known.source_id
FROM input
LEFT JOIN stored ON stored.transaction_id = input.transaction_id
LEFT JOIN job ON job.dedupe_key = 'ingest:' || input.transaction_id
-- The statement's snapshot: the row of an id known before it began (not one a concurrent sender
-- committed meanwhile; the caller reads that one afterwards). LIMIT 1 keeps the lookup a per-row probe
-- of the unique index: joined plainly, the generic plan (it guesses 100 input rows) scans the table.
LEFT JOIN LATERAL (
  SELECT * FROM ingest_transaction AS k
  WHERE k.transaction_id = input.transaction_id AND stored.transaction_id IS NULL LIMIT 1
) AS known ON true
"""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one candidate became: the stored transaction (None: known but not visible to the statement),
    whether this statement created it, and the id of the outbox message it wrote (to wake a worker)."""

    stored: Transaction | None
    created: bool
    message_id: str | None = None


def receive_all(
    connection: BaseDatabaseWrapper,
    candidates: Sequence[Transaction],
    *,
    topic: str,
    job_status: str,
    max_attempts: int,
    now: Any,
) -> dict[str, Outcome]:
    """Store ``candidates`` (distinct ids) and their jobs in one statement; their outcomes by id."""
    ordered = sorted(candidates, key=_id)
    params = {
        "rows": json.dumps([_row(c) for c in ordered]),
        "topic": topic,
        "status": job_status,
        "max_attempts": max_attempts,
        "now": now,
    }
    with statement_cursor(connection, _RECEIVE) as cursor:
        cursor.execute(_RECEIVE, params)
        rows = cursor.fetchall()
    by_id = {c.transaction_id: c for c in ordered}
    outcomes = {}
    for row in rows:
        if row[1]:
            outcomes[row[0]] = Outcome(by_id[row[0]], True, str(row[2]) if row[2] is not None else None)
        else:
            outcomes[row[0]] = Outcome(_known(row[3:]), False)
    return outcomes


def _row(c: Transaction) -> dict[str, object]:
    return {
        "transaction_id": c.transaction_id,
        "source_account": c.source_account,
        "destination_account": c.destination_account,
        "amount_minor": c.amount.minor,
        "currency": c.amount.currency,
        "status": c.status.value,
        "attempts": c.attempts,
        "last_error": c.last_error,
        "created_at": c.created_at.isoformat(),
        "processed_at": c.processed_at.isoformat() if c.processed_at is not None else None,
        "source_id": c.source_id or "",
    }


def _id(candidate: Transaction) -> str:
    return candidate.transaction_id


def _known(values: Sequence[Any]) -> Transaction | None:
    if values[0] is None:
        return None
    tid, source, destination, minor, currency, status, created_at, processed_at, attempts, error, source_id = values
    return Transaction(
        transaction_id=tid,
        source_account=source,
        destination_account=destination,
        amount=Money(minor, currency),
        status=TransactionStatus(status),
        created_at=created_at,
        processed_at=processed_at,
        attempts=attempts,
        last_error=error,
        source_id=source_id or None,
    )
