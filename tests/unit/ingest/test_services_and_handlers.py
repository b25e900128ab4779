"""Ingest's services and subscriptions built with fakes, as the composition root builds them with adapters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.ingest.handlers import register
from application.ingest.ports import ProcessingResult
from application.ingest.services import IngestServices
from application.ingest.sources import SourceLimit
from application.ingest.use_cases import PROCESS_TOPIC, ReceiveTransaction
from application.shared.outbox import Attempt, RetryLater
from application.shared.subscriptions import Subscriptions
from domain.ingest.transaction import TransactionStatus
from tests.unit.ingest.fakes import FakeUnitOfWork, FixedClock, ScriptedProcessor, UnitOfWorkInbox


def _services(processor: ScriptedProcessor, *, max_attempts: int = 2) -> tuple[IngestServices, FakeUnitOfWork]:
    uow = FakeUnitOfWork()
    services = IngestServices(
        uow=lambda: uow,  # type: ignore[arg-type,return-value]
        inbox=UnitOfWorkInbox(uow),
        transactions=uow.transactions,
        sources=None,  # type: ignore[arg-type] - not reached by these use cases
        receipts=None,  # type: ignore[arg-type]
        processor=processor,
        limiter=None,  # type: ignore[arg-type]
        clock=FixedClock(),
        allow_unsigned=True,
        source_limit=SourceLimit(limit=10, window_seconds=60),
        signature_tolerance=timedelta(minutes=5),
        max_attempts=max_attempts,
    )
    return services, uow


def test_a_received_transaction_is_processed_by_its_subscribed_handler():
    processor = ScriptedProcessor()
    services, uow = _services(processor)
    subscriptions = Subscriptions()
    register(subscriptions, services)

    services.transaction_receive(command=ReceiveTransaction("txn_1", "acc_a", "acc_b", "10.00", "INR"))
    [message] = uow.outbox.messages
    subscriptions.handlers()[message.topic](message.payload, attempt=Attempt(1, 2))

    assert processor.calls == ["txn_1"]
    assert uow.transactions.rows["txn_1"].status is TransactionStatus.PROCESSED


def test_the_subscription_carries_the_transaction_attempt_budget_and_the_last_attempt_fails_it():
    processor = ScriptedProcessor(ProcessingResult(succeeded=False, reason="declined"))
    services, uow = _services(processor, max_attempts=2)
    subscriptions = Subscriptions()
    register(subscriptions, services)
    assert subscriptions.max_attempts() == {PROCESS_TOPIC: 2}

    services.transaction_receive(command=ReceiveTransaction("txn_1", "acc_a", "acc_b", "10.00", "INR"))
    handler = subscriptions.handlers()[PROCESS_TOPIC]
    for number in (1, 2):
        with pytest.raises(RetryLater) as retry:
            handler({"transaction_id": "txn_1"}, attempt=Attempt(number, 2))
        assert retry.value.give_up is (number == 2)
    stored = uow.transactions.rows["txn_1"]
    assert (stored.status, stored.attempts, stored.last_error) == (TransactionStatus.FAILED, 2, "declined")
