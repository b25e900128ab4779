"""Ingest wiring: the Django repository, the simulated processor and the processing job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from adapters.cache.rate_limit import SlidingWindowLimiter, parse_rate
from adapters.django_orm.ingest.repository import (
    DjangoMessageReceipts,
    DjangoSourceRepository,
    DjangoTransactionRepository,
)
from adapters.gateways.simulated_processor import SimulatedTransactionProcessor
from application.ingest import sources as source_cases
from application.ingest import use_cases
from application.ingest.ports import TransactionFilter, TransactionProcessor
from application.shared.outbox import Attempt
from application.shared.pagination import Page, PageRequest
from domain.ingest.transaction import Transaction
from entrypoints.bootstrap import Container, container, setting

log = structlog.get_logger("partnerpay.ingest")

PROCESSOR = "ingest.processor"

transactions = DjangoTransactionRepository()
sources = DjangoSourceRepository()
receipts = DjangoMessageReceipts()
limiter = SlidingWindowLimiter()


def wire(built: Container) -> None:
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

    # The outbox's attempt budget for processing is the transaction's: the last attempt records FAILED.
    built.subscriptions.subscribe(
        use_cases.PROCESS_TOPIC, process, max_attempts=int(setting("TRANSACTION_MAX_ATTEMPTS", 5))
    )


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


# --------------------------------------------------------------------------- signed sources (issue #14)


def allow_unsigned() -> bool:
    """Seed 004's unsigned senders and open reads: the local demo (``make run``), never production."""
    return bool(setting("INGEST_ALLOW_UNSIGNED", False))


def create_source(name: str) -> source_cases.SourceWithSecret:
    built = container()
    return source_cases.source_create(uow=built.uow(sources=sources), name=name, clock=built.clock)


def list_sources() -> list[Any]:
    return source_cases.sources_list(sources=sources)


def rotate_source_secret(source_id: str) -> source_cases.SourceWithSecret:
    built = container()
    return source_cases.source_rotate_secret(uow=built.uow(sources=sources), source_id=source_id, clock=built.clock)


def disable_source(source_id: str) -> Any:
    built = container()
    return source_cases.source_disable(uow=built.uow(sources=sources), source_id=source_id, clock=built.clock)


def receive_signed(source: Any, msg_id: str, command: use_cases.ReceiveTransaction) -> use_cases.Received:
    """After ``authenticate``: store the transaction and remember the message id, in one transaction."""
    built = container()
    return source_cases.transaction_receive_signed(
        uow=built.uow(transactions=transactions, receipts=receipts),
        source=source,
        msg_id=msg_id,
        command=command,
        clock=built.clock,
    )


def authenticate(message: source_cases.SignedMessage) -> Any:
    """The source that signed ``message`` (signature, freshness, enabled, rate limit), before any parsing."""
    built = container()
    limit, window = parse_rate(str(setting("INGEST_SOURCE_RATE", "6000/minute")))
    return source_cases.authenticate_message(
        sources=sources,
        message=message,
        clock=built.clock,
        limiter=limiter,
        limit=source_cases.SourceLimit(limit=limit, window_seconds=window),
        tolerance=timedelta(seconds=int(setting("INGEST_SIGNATURE_TOLERANCE_SECONDS", 300))),
    )


def get_as_source(transaction_id: str, secret: str) -> Transaction:
    return source_cases.transaction_get_as_source(
        transactions=transactions,
        sources=sources,
        transaction_id=transaction_id,
        secret=secret,
        clock=container().clock,
    )


def purge_receipts() -> int:
    """Message ids older than twice the signature tolerance can go: such a replay is refused as stale."""
    built = container()
    keep = timedelta(seconds=2 * int(setting("INGEST_SIGNATURE_TOLERANCE_SECONDS", 300)))
    return receipts.purge_older_than(built.clock.now() - keep)
