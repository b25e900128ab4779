"""Processing driven by the outbox: the handler sees which attempt it is in, and the last one decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from application.ingest.ports import ProcessingResult
from application.ingest.use_cases import PROCESS_TOPIC, ReceiveTransaction, transaction_process, transaction_receive
from application.shared.outbox import Attempt, ClaimedMessage, outbox_message_process
from domain.ingest.transaction import TransactionStatus
from tests.unit.ingest.fakes import FakeUnitOfWork, FixedClock, ScriptedProcessor, UnitOfWorkInbox


@dataclass
class OneMessageStore:
    """The outbox store port for a single message (enough to drive retries to their end)."""

    payload: dict[str, Any]
    max_attempts: int
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""

    def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> ClaimedMessage | None:
        if self.status != "pending" or (self.next_attempt_at is not None and self.next_attempt_at > now):
            return None
        self.status, self.attempts = "processing", self.attempts + 1
        return ClaimedMessage(message_id, PROCESS_TOPIC, self.payload, self.attempts, self.max_attempts)

    def mark_done(self, message_id: str, *, now: datetime) -> None:
        self.status = "done"

    def mark_retry(self, message_id: str, *, error: str, next_attempt_at: datetime) -> None:
        self.status, self.last_error, self.next_attempt_at = "pending", error, next_attempt_at

    def mark_dead(self, message_id: str, *, error: str, now: datetime) -> None:
        self.status, self.last_error = "dead", error

    def due_ids(self, *, now: datetime, limit: int) -> list[str]:
        return []

    def requeue(self, message_id: str, *, now: datetime) -> bool:
        return False


def _drive(processor: ScriptedProcessor, max_attempts: int) -> tuple[FakeUnitOfWork, OneMessageStore, list[str]]:
    uow, clock = FakeUnitOfWork(), FixedClock()
    command = ReceiveTransaction("txn_1", "acc_a", "acc_b", "10.00", "INR")
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=command, clock=clock)
    store = OneMessageStore(payload=uow.outbox.messages[0].payload, max_attempts=max_attempts)

    def handler(payload: dict[str, Any], *, attempt: Attempt) -> None:
        transaction_process(
            uow=uow,
            processor=processor,
            transaction_id=payload["transaction_id"],
            clock=clock,
            attempt=attempt.number,
            max_attempts=attempt.max_attempts,
        )

    outcomes = []
    for _ in range(max_attempts + 2):
        outcome = outbox_message_process(message_id="m1", store=store, handlers={PROCESS_TOPIC: handler}, clock=clock)
        outcomes.append(outcome.status)
        if store.next_attempt_at is not None:
            clock.current = store.next_attempt_at
    return uow, store, outcomes


def test_a_processor_that_keeps_failing_ends_failed_when_the_outbox_gives_up():
    uow, store, outcomes = _drive(ScriptedProcessor(ProcessingResult(succeeded=False, reason="declined")), 3)

    assert outcomes[:3] == ["retry", "retry", "dead"]
    assert set(outcomes[3:]) == {"skipped"}
    assert (store.status, store.last_error) == ("dead", "declined")
    stored = uow.transactions.rows["txn_1"]
    assert (stored.status, stored.last_error, stored.attempts) == (TransactionStatus.FAILED, "declined", 3)


def test_success_on_a_retry_is_done():
    processor = ScriptedProcessor(ProcessingResult(succeeded=False, reason="busy"), ProcessingResult(succeeded=True))
    uow, store, outcomes = _drive(processor, 3)
    assert outcomes[:2] == ["retry", "done"]
    assert store.status == "done"
    assert uow.transactions.rows["txn_1"].status is TransactionStatus.PROCESSED


def test_handlers_without_an_attempt_parameter_still_get_only_the_payload():
    store = OneMessageStore(payload={"x": 1}, max_attempts=1)
    seen: list[Any] = []
    outcome = outbox_message_process(
        message_id="m1", store=store, handlers={PROCESS_TOPIC: seen.append}, clock=FixedClock()
    )
    assert outcome.status == "done"
    assert seen == [{"x": 1}]


def test_the_attempt_tells_the_handler_where_it_stands():
    store = OneMessageStore(payload={}, max_attempts=2)
    seen: list[Attempt] = []

    def handler(payload: dict[str, Any], *, attempt: Attempt) -> None:
        seen.append(attempt)
        raise RuntimeError("again")

    clock = FixedClock()
    for _ in range(2):
        outbox_message_process(message_id="m1", store=store, handlers={PROCESS_TOPIC: handler}, clock=clock)
        clock.current = store.next_attempt_at or clock.current
    assert seen == [Attempt(1, 2), Attempt(2, 2)]
    assert [a.is_last for a in seen] == [False, True]
