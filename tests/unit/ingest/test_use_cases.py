"""Ingest use cases on in-memory fakes: receive once, refuse conflicts, process once, fail after retries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from application.ingest.ports import ProcessingResult, TransactionFilter
from application.ingest.use_cases import (
    PROCESS_TOPIC,
    ReceiveTransaction,
    TransactionConflict,
    transaction_get,
    transaction_process,
    transaction_receive,
    transactions_list,
)
from application.shared.errors import NotFound
from application.shared.outbox import RetryLater
from application.shared.pagination import PageRequest
from domain.ingest.transaction import TransactionStatus
from domain.shared.errors import InvalidValue
from domain.shared.money import Money
from tests.unit.ingest.fakes import FakeUnitOfWork, FixedClock, ScriptedProcessor, UnitOfWorkInbox


def _command(
    transaction_id: str = "txn_1", amount: str | int | Decimal = "150.50", **overrides: str
) -> ReceiveTransaction:
    fields = {
        "transaction_id": transaction_id,
        "source_account": "acc_user_789",
        "destination_account": "acc_merchant_456",
        "amount": amount,
        "currency": "USD",
    }
    fields.update(overrides)
    return ReceiveTransaction(**fields)  # type: ignore[arg-type]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def _process(
    uow: FakeUnitOfWork, processor: ScriptedProcessor, clock: FixedClock, attempt: int = 1, max_attempts: int = 3
):
    return transaction_process(
        uow=uow, processor=processor, transaction_id="txn_1", clock=clock, attempt=attempt, max_attempts=max_attempts
    )


# --- receiving -------------------------------------------------------------------------------


def test_receiving_stores_the_transaction_and_its_processing_job_together(uow, clock):
    received = transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)

    assert received.created
    stored = uow.transactions.rows["txn_1"]
    assert stored.amount == Money(15050, "USD")
    assert (stored.status, stored.created_at) == (TransactionStatus.PROCESSING, clock.now())
    [message] = uow.outbox.messages
    assert (message.topic, message.payload, message.dedupe_key) == (
        PROCESS_TOPIC,
        {"transaction_id": "txn_1"},
        "ingest:txn_1",
    )
    assert uow.commits == 1


def test_the_same_transaction_again_returns_the_stored_one_and_adds_no_job(uow, clock):
    first = transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    clock.advance(5)
    again = transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(amount=Decimal("150.5")), clock=clock)

    assert not again.created
    assert again.transaction.created_at == first.transaction.created_at
    assert len(uow.transactions.rows) == 1
    assert len(uow.outbox.messages) == 1


def test_a_replay_reports_the_current_state(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    _process(uow, ScriptedProcessor(), clock)
    again = transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    assert again.transaction.status is TransactionStatus.PROCESSED


@pytest.mark.parametrize(
    "change",
    [{"amount": "150.51"}, {"currency": "INR"}, {"source_account": "acc_x"}, {"destination_account": "acc_y"}],
)
def test_the_same_id_with_different_content_is_a_conflict_and_the_first_version_is_kept(uow, clock, change):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    with pytest.raises(TransactionConflict) as error:
        transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(**change), clock=clock)

    assert error.value.code == "transaction_conflict"
    assert error.value.kind == "conflict"
    stored = uow.transactions.rows["txn_1"]
    assert (stored.amount, stored.source_account) == (Money(15050, "USD"), "acc_user_789")
    assert len(uow.outbox.messages) == 1


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (_command(amount="0"), "amount"),
        (_command(amount="-5"), "amount"),
        (_command(amount="1.005"), "amount"),
        (_command(amount="abc"), "amount"),
        (_command(currency="XYZ"), "currency"),
        (_command(transaction_id="x" * 129), "transaction_id"),
        (_command(source_account=""), "source_account"),
    ],
)
def test_invalid_reports_are_refused_and_store_nothing(uow, clock, command, field):
    with pytest.raises(InvalidValue) as error:
        transaction_receive(inbox=UnitOfWorkInbox(uow), command=command, clock=clock)
    assert error.value.field == field
    assert uow.transactions.rows == {}
    assert uow.outbox.messages == []


def test_amounts_are_exact_whatever_their_spelling(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command("a", amount=1500), clock=clock)
    transaction_receive(
        inbox=UnitOfWorkInbox(uow), command=_command("b", amount=Decimal("12345678901234.57")), clock=clock
    )
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command("c", amount="0.10", currency="inr"), clock=clock)
    assert uow.transactions.rows["a"].amount == Money(150000, "USD")
    assert uow.transactions.rows["b"].amount == Money(1234567890123457, "USD")
    assert uow.transactions.rows["c"].amount == Money(10, "INR")


def test_float_amounts_never_get_in(uow, clock):
    with pytest.raises(InvalidValue):
        transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(amount=150.5), clock=clock)  # type: ignore[arg-type]


# --- processing ------------------------------------------------------------------------------


def test_processing_calls_the_processor_once_and_marks_processed(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    processor = ScriptedProcessor()
    clock.advance(30)

    result = _process(uow, processor, clock)

    assert processor.calls == ["txn_1"]
    stored = uow.transactions.rows["txn_1"]
    assert (stored.status, stored.processed_at, stored.attempts) == (TransactionStatus.PROCESSED, clock.now(), 1)
    assert result is not None
    assert result.status is TransactionStatus.PROCESSED


def test_processing_again_is_a_no_op(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    processor = ScriptedProcessor()
    _process(uow, processor, clock)
    processed_at = uow.transactions.rows["txn_1"].processed_at
    clock.advance(60)

    _process(uow, processor, clock, attempt=2)

    assert processor.calls == ["txn_1"]
    assert uow.transactions.rows["txn_1"].processed_at == processed_at
    assert uow.transactions.rows["txn_1"].attempts == 1


def test_a_failed_attempt_is_retried_later_with_the_reason_kept(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    processor = ScriptedProcessor(ProcessingResult(succeeded=False, reason="upstream timeout"))

    with pytest.raises(RetryLater) as retry:
        _process(uow, processor, clock, attempt=1, max_attempts=3)

    assert not retry.value.give_up
    assert retry.value.reason == "upstream timeout"
    stored = uow.transactions.rows["txn_1"]
    assert (stored.status, stored.last_error, stored.attempts) == (TransactionStatus.PROCESSING, "upstream timeout", 1)


def test_the_last_failed_attempt_ends_failed_and_gives_up(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    processor = ScriptedProcessor(ProcessingResult(succeeded=False, reason="declined"))
    for attempt in (1, 2):
        with pytest.raises(RetryLater):
            _process(uow, processor, clock, attempt=attempt, max_attempts=3)
    clock.advance(10)

    with pytest.raises(RetryLater) as retry:
        _process(uow, processor, clock, attempt=3, max_attempts=3)

    assert retry.value.give_up
    stored = uow.transactions.rows["txn_1"]
    assert (stored.status, stored.last_error, stored.processed_at) == (
        TransactionStatus.FAILED,
        "declined",
        clock.now(),
    )
    assert stored.attempts == 3
    _process(uow, processor, clock, attempt=4, max_attempts=3)  # a late redelivery changes nothing
    assert len(processor.calls) == 3


def test_a_failure_then_success_ends_processed(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    processor = ScriptedProcessor(ProcessingResult(succeeded=False, reason="busy"), ProcessingResult(succeeded=True))
    with pytest.raises(RetryLater):
        _process(uow, processor, clock, attempt=1)
    _process(uow, processor, clock, attempt=2)
    stored = uow.transactions.rows["txn_1"]
    assert (stored.status, stored.attempts) == (TransactionStatus.PROCESSED, 2)


def test_a_processor_that_raises_counts_as_a_failed_attempt(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    processor = ScriptedProcessor(ConnectionError("connection reset"))
    with pytest.raises(RetryLater) as retry:
        _process(uow, processor, clock, attempt=1, max_attempts=1)
    assert retry.value.give_up
    assert uow.transactions.rows["txn_1"].status is TransactionStatus.FAILED
    assert "connection reset" in uow.transactions.rows["txn_1"].last_error


def test_an_attempt_is_on_record_before_the_processor_is_called(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    seen: list[int] = []

    class Spy(ScriptedProcessor):
        def process(self, transaction):  # type: ignore[no-untyped-def]
            seen.append(uow.transactions.rows["txn_1"].attempts)
            return super().process(transaction)

    _process(uow, Spy(), clock)
    assert seen == [1]


def test_processing_an_unknown_transaction_does_nothing(uow, clock):
    processor = ScriptedProcessor()
    assert _process(uow, processor, clock) is None
    assert processor.calls == []


# --- reading ---------------------------------------------------------------------------------


def test_get_returns_the_transaction_or_not_found(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    assert transaction_get(transactions=uow.transactions, transaction_id="txn_1").transaction_id == "txn_1"
    with pytest.raises(NotFound):
        transaction_get(transactions=uow.transactions, transaction_id="txn_2")


def test_ids_nobody_could_have_sent_are_not_found_without_a_lookup(uow):
    for impossible in ("", "x" * 129, "bad\x00id"):
        with pytest.raises(NotFound):
            transaction_get(transactions=uow.transactions, transaction_id=impossible)
    assert uow.transactions.reads == 0


def test_list_filters_and_pages_newest_first(uow, clock):
    for n in range(5):
        currency = "INR" if n % 2 else "USD"
        transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(f"t{n}", currency=currency), clock=clock)
        clock.advance(1)
    everything = TransactionFilter()

    first = transactions_list(transactions=uow.transactions, filters=everything, page=PageRequest(limit=2))
    assert [t.transaction_id for t in first.items] == ["t4", "t3"]
    second = transactions_list(
        transactions=uow.transactions, filters=everything, page=PageRequest.build(limit=2, cursor=first.next_cursor)
    )
    assert [t.transaction_id for t in second.items] == ["t2", "t1"]

    inr = transactions_list(
        transactions=uow.transactions, filters=TransactionFilter(currency="INR"), page=PageRequest()
    )
    assert [t.transaction_id for t in inr.items] == ["t3", "t1"]
    assert inr.next_cursor is None


def test_retry_delays_are_the_outboxs(uow, clock):
    transaction_receive(inbox=UnitOfWorkInbox(uow), command=_command(), clock=clock)
    with pytest.raises(RetryLater) as retry:
        _process(uow, ScriptedProcessor(ProcessingResult(succeeded=False)), clock)
    assert retry.value.delay is None or retry.value.delay > timedelta(0)
    assert retry.value.reason  # never an empty reason, even when the processor gave none
