"""Ingest's use cases bound to their adapters: what routers, tasks and handlers call.

The composition root builds one ``IngestServices`` with Django adapters; tests build it with fakes.
Each method keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from application.ingest import sources as source_cases
from application.ingest import use_cases
from application.ingest.ports import (
    MessageReceipts,
    RateLimiter,
    SignedIngestUnitOfWork,
    SourceRepository,
    SourceUnitOfWork,
    TransactionFilter,
    TransactionInbox,
    TransactionProcessor,
    TransactionRepository,
)
from application.shared.pagination import Page, PageRequest
from domain.ingest.source import TransactionSource
from domain.ingest.transaction import Transaction
from domain.shared.clock import Clock


class IngestUnitOfWork(SignedIngestUnitOfWork, SourceUnitOfWork, Protocol):
    """One unit of work with every ingest repository; each use case sees the protocol it needs."""


@dataclass(slots=True)
class IngestServices:
    uow: Callable[[], IngestUnitOfWork]
    inbox: TransactionInbox
    transactions: TransactionRepository
    sources: SourceRepository
    receipts: MessageReceipts
    processor: TransactionProcessor
    limiter: RateLimiter
    clock: Clock
    # Seed 004's unsigned senders and open reads: the local demo (``make run``), never production.
    allow_unsigned: bool
    source_limit: source_cases.SourceLimit
    signature_tolerance: timedelta
    # The outbox's attempt budget for processing: the last attempt records FAILED.
    max_attempts: int

    def transaction_receive(self, *, command: use_cases.ReceiveTransaction) -> use_cases.Received:
        return use_cases.transaction_receive(inbox=self.inbox, command=command, clock=self.clock)

    def transaction_process(self, *, transaction_id: str, attempt: int, max_attempts: int) -> Transaction | None:
        return use_cases.transaction_process(
            uow=self.uow(),
            processor=self.processor,
            transaction_id=transaction_id,
            clock=self.clock,
            attempt=attempt,
            max_attempts=max_attempts,
        )

    def transaction_get(self, *, transaction_id: str) -> Transaction:
        return use_cases.transaction_get(transactions=self.transactions, transaction_id=transaction_id)

    def transactions_list(self, *, filters: TransactionFilter, page: PageRequest) -> Page[Transaction]:
        return use_cases.transactions_list(transactions=self.transactions, filters=filters, page=page)

    def source_create(self, *, name: str) -> source_cases.SourceWithSecret:
        return source_cases.source_create(uow=self.uow(), name=name, clock=self.clock)

    def sources_list(self) -> list[TransactionSource]:
        return source_cases.sources_list(sources=self.sources)

    def source_rotate_secret(self, *, source_id: str) -> source_cases.SourceWithSecret:
        return source_cases.source_rotate_secret(uow=self.uow(), source_id=source_id, clock=self.clock)

    def source_disable(self, *, source_id: str) -> TransactionSource:
        return source_cases.source_disable(uow=self.uow(), source_id=source_id, clock=self.clock)

    def authenticate_message(self, *, message: source_cases.SignedMessage) -> TransactionSource:
        """The source that signed ``message`` (signature, freshness, enabled, rate limit), before any parsing."""
        return source_cases.authenticate_message(
            sources=self.sources,
            message=message,
            clock=self.clock,
            limiter=self.limiter,
            limit=self.source_limit,
            tolerance=self.signature_tolerance,
        )

    def transaction_receive_signed(
        self, *, source: TransactionSource, msg_id: str, command: use_cases.ReceiveTransaction
    ) -> use_cases.Received:
        """After ``authenticate_message``: store the transaction and remember the message id, in one transaction."""
        return source_cases.transaction_receive_signed(
            uow=self.uow(), source=source, msg_id=msg_id, command=command, clock=self.clock
        )

    def transaction_get_as_source(self, *, transaction_id: str, secret: str) -> Transaction:
        return source_cases.transaction_get_as_source(
            transactions=self.transactions,
            sources=self.sources,
            transaction_id=transaction_id,
            secret=secret,
            clock=self.clock,
        )

    def receipts_purge(self) -> int:
        """Message ids older than twice the signature tolerance can go: such a replay is refused as stale."""
        return self.receipts.purge_older_than(self.clock.now() - 2 * self.signature_tolerance)
