"""Group commit's coordination, with a fake statement: batches, duplicates, failure isolation, bounded waits.

What PostgreSQL adds (one row and one outbox message per id under real concurrency) is in
tests/integration/ingest/test_group_commit_postgres.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from adapters.django_orm.ingest.group_commit import GroupCommitter, GroupCommitTimeout
from adapters.django_orm.ingest.receive_statement import Outcome
from domain.ingest.transaction import Transaction
from domain.shared.money import Money

NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def _tx(transaction_id: str, minor: int = 15050) -> Transaction:
    return Transaction.receive(
        transaction_id=transaction_id,
        source_account="acc_user_789",
        destination_account="acc_merchant_456",
        amount=Money(minor, "INR"),
        now=NOW,
    )


class FakeTable:
    """The statement's contract: insert-or-keep by id, all or nothing per call; slow enough to queue others."""

    def __init__(self, *, delay: float = 0.02, refuse: frozenset[str] = frozenset()) -> None:
        self.rows: dict[str, Transaction] = {}
        self.batches: list[list[str]] = []
        self.delay = delay
        self.refuse = refuse
        self._lock = threading.Lock()

    def write(self, candidates: Sequence[Transaction]) -> dict[str, Outcome]:
        ids = [c.transaction_id for c in candidates]
        assert len(ids) == len(set(ids)), "a batch must hold each id once"
        time.sleep(self.delay)
        with self._lock:
            self.batches.append(ids)
            if self.refuse & set(ids):
                raise ValueError(f"refused: {sorted(self.refuse & set(ids))}")
            outcomes = {}
            for c in candidates:
                if c.transaction_id in self.rows:
                    outcomes[c.transaction_id] = Outcome(self.rows[c.transaction_id], False)
                else:
                    self.rows[c.transaction_id] = c
                    outcomes[c.transaction_id] = Outcome(c, True, f"msg-{c.transaction_id}")
            return outcomes


def _submit_all(committer: GroupCommitter, table: FakeTable, candidates: list[Transaction]) -> list[object]:
    barrier = threading.Barrier(len(candidates))

    def one(candidate: Transaction) -> object:
        barrier.wait(timeout=10)
        try:
            return committer.submit(candidate, table.write)
        except Exception as exc:  # the test looks at each request's own error
            return exc

    with ThreadPoolExecutor(max_workers=len(candidates)) as pool:
        return list(pool.map(one, candidates))


def test_concurrent_requests_share_batches_and_each_id_is_created_once():
    committer, table = GroupCommitter(max_batch=64, wait_seconds=10), FakeTable()
    candidates = [_tx(f"txn_{n % 8}") for n in range(32)]

    results = _submit_all(committer, table, candidates)

    assert all(isinstance(r, Outcome) for r in results), results
    created = [r for r in results if isinstance(r, Outcome) and r.created]
    assert sorted(r.stored.transaction_id for r in created if r.stored) == [f"txn_{n}" for n in range(8)]
    assert all(r.message_id is not None for r in created)
    replays = [r for r in results if isinstance(r, Outcome) and not r.created]
    assert len(replays) == 24
    assert all(r.message_id is None and r.stored is table.rows[r.stored.transaction_id] for r in replays if r.stored)
    assert max(len(b) for b in table.batches) > 1  # requests that arrived together were written together
    assert len(table.batches) < 32


def test_a_failing_candidate_fails_alone_and_the_rest_of_its_batch_is_stored():
    committer, table = GroupCommitter(max_batch=64, wait_seconds=10), FakeTable(refuse=frozenset({"txn_bad"}))
    candidates = [_tx(f"txn_{n}") for n in range(12)] + [_tx("txn_bad"), _tx("txn_bad", minor=1)]

    results = _submit_all(committer, table, candidates)

    by_id = dict(zip((c.transaction_id for c in candidates), results, strict=False))
    assert sorted(table.rows) == sorted(f"txn_{n}" for n in range(12))
    for n in range(12):
        outcome = by_id[f"txn_{n}"]
        assert isinstance(outcome, Outcome)
        assert outcome.created
    assert [type(r) for r in results[12:]] == [ValueError, ValueError]  # both requests of the bad id


def test_a_lone_request_is_written_at_once_as_a_batch_of_one():
    committer, table = GroupCommitter(max_batch=64, wait_seconds=10), FakeTable(delay=0)

    first = committer.submit(_tx("txn_1"), table.write)
    again = committer.submit(_tx("txn_1"), table.write)

    assert (first.created, again.created) == (True, False)
    assert table.batches == [["txn_1"], ["txn_1"]]


def test_batches_hold_at_most_max_batch_candidates():
    committer, table = GroupCommitter(max_batch=3, wait_seconds=10), FakeTable()

    results = _submit_all(committer, table, [_tx(f"txn_{n}") for n in range(16)])

    assert all(isinstance(r, Outcome) and r.created for r in results)
    assert max(len(b) for b in table.batches) <= 3
    assert sorted(table.rows) == sorted(f"txn_{n}" for n in range(16))


def test_a_stuck_leader_makes_the_waiting_requests_fail_in_bounded_time_not_hang():
    committer = GroupCommitter(max_batch=64, wait_seconds=0.2)
    release, entered = threading.Event(), threading.Event()
    table = FakeTable(delay=0)

    def stuck(candidates: Sequence[Transaction]) -> dict[str, Outcome]:
        entered.set()
        release.wait(timeout=10)
        return table.write(candidates)

    with ThreadPoolExecutor(max_workers=1) as pool:
        leader = pool.submit(committer.submit, _tx("txn_leader"), stuck)
        assert entered.wait(timeout=5)
        started = time.monotonic()
        with pytest.raises(GroupCommitTimeout):
            committer.submit(_tx("txn_follower"), table.write)
        assert time.monotonic() - started < 2
        release.set()
        assert leader.result(timeout=5).created
    # The follower gave up before any batch took it: nothing of it was written, and the committer
    # still works (the next request leads a batch of its own).
    assert "txn_follower" not in table.rows
    assert committer.submit(_tx("txn_follower"), table.write).created


def test_a_leader_interrupted_by_a_base_exception_still_releases_everyone():
    committer = GroupCommitter(max_batch=64, wait_seconds=5)

    def interrupted(candidates: Sequence[Transaction]) -> dict[str, Outcome]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        committer.submit(_tx("txn_1"), interrupted)
    table = FakeTable(delay=0)
    assert committer.submit(_tx("txn_2"), table.write).created  # leadership was released
