"""Outbox processing rules on an in-memory store (a fake of our own port, not a mock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from application.shared.outbox import ClaimedMessage, RetryLater, backoff_delay, outbox_message_process


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@dataclass
class Row:
    id: str
    topic: str
    payload: dict[str, Any]
    status: str = "pending"
    attempts: int = 0
    max_attempts: int = 3
    next_attempt_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    locked_until: datetime | None = None
    last_error: str = ""


@dataclass
class MemoryOutboxStore:
    rows: dict[str, Row] = field(default_factory=dict)

    def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> ClaimedMessage | None:
        row = self.rows[message_id]
        due = (row.status == "pending" and row.next_attempt_at <= now) or (
            row.status == "processing" and row.locked_until is not None and row.locked_until < now
        )
        if not due:
            return None
        row.status, row.locked_until, row.attempts = "processing", now + lease, row.attempts + 1
        return ClaimedMessage(row.id, row.topic, row.payload, row.attempts, row.max_attempts)

    def mark_done(self, message_id: str, *, now: datetime) -> None:
        self.rows[message_id].status = "done"

    def mark_retry(self, message_id: str, *, error: str, next_attempt_at: datetime) -> None:
        row = self.rows[message_id]
        row.status, row.last_error, row.next_attempt_at = "pending", error, next_attempt_at

    def mark_dead(self, message_id: str, *, error: str, now: datetime) -> None:
        row = self.rows[message_id]
        row.status, row.last_error = "dead", error

    def due_ids(self, *, now: datetime, limit: int) -> list[str]:
        return []

    def requeue(self, message_id: str, *, now: datetime) -> bool:
        return False


NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _store(topic: str = "t", max_attempts: int = 3) -> MemoryOutboxStore:
    return MemoryOutboxStore({"m1": Row("m1", topic, {"x": 1}, max_attempts=max_attempts)})


def test_successful_handler_marks_done_with_payload():
    store, seen = _store(), []
    outcome = outbox_message_process(message_id="m1", store=store, handlers={"t": seen.append}, clock=FixedClock(NOW))
    assert outcome.status == "done"
    assert seen == [{"x": 1}]
    assert store.rows["m1"].status == "done"


def test_failure_is_retried_with_backoff_then_dead():
    store, clock = _store(max_attempts=2), FixedClock(NOW)

    def boom(payload):
        raise ValueError("remote said no")

    first = outbox_message_process(message_id="m1", store=store, handlers={"t": boom}, clock=clock)
    assert first.status == "retry"
    assert store.rows["m1"].next_attempt_at == NOW + backoff_delay(1)
    assert "remote said no" in store.rows["m1"].last_error
    clock.current = store.rows["m1"].next_attempt_at
    second = outbox_message_process(message_id="m1", store=store, handlers={"t": boom}, clock=clock)
    assert second.status == "dead"
    assert store.rows["m1"].status == "dead"


def test_retry_later_sets_its_own_delay_and_can_give_up():
    store = _store()

    def later(payload):
        raise RetryLater("429", delay=timedelta(minutes=5))

    outbox_message_process(message_id="m1", store=store, handlers={"t": later}, clock=FixedClock(NOW))
    assert store.rows["m1"].next_attempt_at == NOW + timedelta(minutes=5)
    store.rows["m1"].next_attempt_at = NOW

    def give_up(payload):
        raise RetryLater("410 gone", give_up=True)

    outcome = outbox_message_process(message_id="m1", store=store, handlers={"t": give_up}, clock=FixedClock(NOW))
    assert outcome.status == "dead"


def test_message_leased_by_a_live_worker_is_skipped_and_expired_lease_is_reclaimed():
    store = _store()
    store.rows["m1"].status, store.rows["m1"].locked_until = "processing", NOW + timedelta(seconds=30)
    seen: list[Any] = []
    assert (
        outbox_message_process(message_id="m1", store=store, handlers={"t": seen.append}, clock=FixedClock(NOW)).status
        == "skipped"
    )
    later = FixedClock(NOW + timedelta(seconds=31))
    assert (
        outbox_message_process(message_id="m1", store=store, handlers={"t": seen.append}, clock=later).status == "done"
    )
    assert len(seen) == 1


def test_unknown_topic_is_dead_not_lost_silently():
    store = _store(topic="nobody.listens")
    outcome = outbox_message_process(message_id="m1", store=store, handlers={}, clock=FixedClock(NOW))
    assert outcome.status == "dead"
    assert "no handler" in store.rows["m1"].last_error


def test_backoff_grows_and_is_capped():
    delays = [backoff_delay(n).total_seconds() for n in range(1, 15)]
    assert delays[:3] == [5, 10, 20]
    assert max(delays) == 3600
    assert delays == sorted(delays)
