"""Ingest wiring: the Django repository, the simulated processor and the processing job."""

from __future__ import annotations

from typing import Any

import structlog

from adapters.django_orm.ingest.repository import DjangoTransactionRepository
from adapters.gateways.simulated_processor import SimulatedTransactionProcessor
from application.ingest import use_cases
from application.ingest.ports import TransactionFilter, TransactionProcessor
from application.shared.outbox import Attempt
from application.shared.pagination import Page, PageRequest
from domain.ingest.transaction import Transaction
from entrypoints.bootstrap import OUTBOX_MAX_ATTEMPTS, Container, container, setting

log = structlog.get_logger("partnerpay.ingest")

PROCESSOR = "ingest.processor"

transactions = DjangoTransactionRepository()


def wire(built: Container) -> None:
    # The outbox's attempt budget for processing is the transaction's: the last attempt records FAILED.
    OUTBOX_MAX_ATTEMPTS[use_cases.PROCESS_TOPIC] = int(setting("TRANSACTION_MAX_ATTEMPTS", 5))
    delay = float(setting("TRANSACTION_PROCESSING_DELAY_SECONDS", 30.0))
    built.extras[PROCESSOR] = SimulatedTransactionProcessor(delay_seconds=delay)
    if delay >= built.outbox_lease.total_seconds():
        # A call outliving its lease is handed to a second worker: the processor would be called twice.
        log.warning("ingest_delay_exceeds_outbox_lease", delay_seconds=delay, lease=built.outbox_lease.total_seconds())

    def process(payload: dict[str, Any], *, attempt: Attempt) -> None:
        transaction_id = str(payload["transaction_id"])
        with structlog.contextvars.bound_contextvars(transaction_id=transaction_id, attempt=attempt.number):
            result = use_cases.transaction_process(
                uow=built.uow(transactions=transactions),
                processor=processor(built),
                transaction_id=transaction_id,
                clock=built.clock,
                attempt=attempt.number,
                max_attempts=attempt.max_attempts,
            )
            if result is not None:
                log.info("transaction_processing_ended", status=str(result.status))

    built.handlers[use_cases.PROCESS_TOPIC] = process


def processor(built: Container | None = None) -> TransactionProcessor:
    """Looked up per call, so tests can install another processor in the container."""
    found: TransactionProcessor = (built or container()).extras[PROCESSOR]
    return found


def receive(command: use_cases.ReceiveTransaction) -> use_cases.Received:
    built = container()
    return use_cases.transaction_receive(uow=built.uow(transactions=transactions), command=command, clock=built.clock)


def get(transaction_id: str) -> Transaction:
    return use_cases.transaction_get(transactions=transactions, transaction_id=transaction_id)


def list_transactions(filters: TransactionFilter, page: PageRequest) -> Page[Transaction]:
    return use_cases.transactions_list(transactions=transactions, filters=filters, page=page)
