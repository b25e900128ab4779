"""Group commit on PostgreSQL: concurrent requests share one statement, and each id still has exactly one
row and one outbox message; a bad candidate fails alone. (The coordination itself: tests/unit/ingest.)"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from django.db import DataError, connection

from adapters.django_orm.ingest import inbox as inbox_module
from adapters.django_orm.ingest.group_commit import GroupCommitter
from adapters.django_orm.ingest.inbox import DjangoTransactionInbox, _dedupe_key, _payload
from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.ingest.receive_statement import receive_all
from adapters.django_orm.platform.models import OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from domain.ingest.transaction import Transaction
from domain.shared.money import Money
from tests.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TOPIC = "ingest.transaction.process"
NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def _tx(transaction_id: str, *, minor: int = 15050, source_id: str | None = None) -> Transaction:
    return Transaction.receive(
        transaction_id=transaction_id,
        source_account="acc_user_789",
        destination_account="acc_merchant_456",
        amount=Money(minor, "INR"),
        now=NOW,
        source_id=source_id,
    )


@pytest.fixture
def batches(monkeypatch) -> list[int]:
    """Sizes of the statements written; each waits a little first, so concurrent requests queue behind it."""
    sizes: list[int] = []

    def slow_receive_all(connection, candidates: Sequence[Transaction], **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.05)
        sizes.append(len(candidates))
        return receive_all(connection, candidates, **kwargs)

    monkeypatch.setattr(inbox_module, "receive_all", slow_receive_all)
    return sizes


@pytest.fixture
def inbox() -> DjangoTransactionInbox:
    return DjangoTransactionInbox(
        outbox=lambda: DjangoOutbox(dispatch=None),
        max_attempts=5,
        group_commit=GroupCommitter(max_batch=64, wait_seconds=30),
    )


def test_overlapping_ids_from_concurrent_requests_make_one_row_and_one_job_each(inbox, batches):
    # 24 requests over 6 ids; every fourth one a different version of its id (refused by the use case,
    # here: stored must be the first version whatever the order).
    candidates = [_tx(f"txn_{n % 6}", minor=15050 + (n // 6 == 3)) for n in range(24)]

    results = run_concurrently(lambda i: inbox.receive(candidates[i], process_topic=TOPIC), len(candidates))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(created for _, created in results) == 6
    assert IngestedTransaction.objects.count() == 6
    messages = list(OutboxMessage.objects.order_by("dedupe_key"))
    assert [m.dedupe_key for m in messages] == [_dedupe_key(_tx(f"txn_{n}")) for n in range(6)]
    assert [m.payload for m in messages] == [_payload(_tx(f"txn_{n}")) for n in range(6)]
    expected = {(TOPIC, OutboxMessage.Status.PENDING, 0, 5)}
    assert {(m.topic, m.status, m.attempts, m.max_attempts) for m in messages} == expected
    for stored, _created in results:
        row = IngestedTransaction.objects.get(transaction_id=stored.transaction_id)
        assert stored.amount.minor == row.amount_minor  # every answer is the stored version
    assert max(batches) > 1  # requests that arrived together shared a statement


def test_a_candidate_the_database_refuses_fails_alone(inbox, batches):
    candidates = [_tx(f"txn_{n}") for n in range(10)] + [_tx("txn_bad", source_id="s" * 65)]

    results = run_concurrently(lambda i: inbox.receive(candidates[i], process_topic=TOPIC), len(candidates))

    assert isinstance(results[-1], DataError)
    assert all(isinstance(r, tuple) and r[1] for r in results[:-1]), results
    assert sorted(IngestedTransaction.objects.values_list("transaction_id", flat=True)) == sorted(
        f"txn_{n}" for n in range(10)
    )
    assert OutboxMessage.objects.count() == 10
    assert max(batches) > 1


def test_one_statement_is_all_or_nothing():
    with pytest.raises(DataError):
        receive_all(
            connection,
            [_tx("txn_ok"), _tx("txn_bad", source_id="s" * 65)],
            topic=TOPIC,
            job_status="PENDING",
            max_attempts=5,
            now=NOW,
        )
    assert not IngestedTransaction.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_inside_a_callers_transaction_a_request_does_not_join_a_batch(inbox, monkeypatch):
    # A batch answers every request when its statement returns: inside a caller's transaction (a signed
    # sender's receipt) that would be before the commit, so such a request writes alone.
    from django.db import transaction

    def joined(*args, **kwargs):  # type: ignore[no-untyped-def]
        pytest.fail("a request inside a transaction joined a batch")

    monkeypatch.setattr(inbox._group_commit, "submit", joined)
    with transaction.atomic():
        stored, created = inbox.receive(_tx("txn_in_atomic"), process_topic=TOPIC)
    assert created
    assert OutboxMessage.objects.filter(dedupe_key=_dedupe_key(stored)).count() == 1
