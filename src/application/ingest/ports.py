"""What the ingest use cases need from the outside: transaction storage and the external processor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.ingest.source import TransactionSource
from domain.ingest.transaction import Transaction, TransactionStatus


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    status: TransactionStatus | None = None
    currency: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class TransactionRepository(Protocol):
    def add_if_absent(self, transaction: Transaction) -> tuple[Transaction, bool]:
        """Store ``transaction`` unless its id is taken, atomically even under concurrent senders.

        Returns the stored transaction (the first version when the id was taken) and whether
        this call created it.
        """
        ...

    def get(self, transaction_id: str) -> Transaction | None: ...

    # The three writes below apply only while the stored row is still PROCESSING and report
    # whether they did, so a late or duplicate worker can never overwrite a final state.
    def start_attempt(self, transaction: Transaction) -> bool: ...

    def mark_processed(self, transaction: Transaction) -> bool: ...

    def record_failure(self, transaction: Transaction) -> bool:
        """Stores the failure reason and, when the transaction ended FAILED, its final state."""
        ...

    def list(self, filters: TransactionFilter, page: PageRequest) -> Page[Transaction]:
        """Newest first, keyset-paginated over (created_at, id)."""
        ...


class TransactionInbox(Protocol):
    """Receiving on the hot path: the transaction and the job that processes it, stored atomically."""

    def receive(self, transaction: Transaction, *, process_topic: str) -> tuple[Transaction, bool]:
        """Stores ``transaction`` and an outbox message of ``process_topic`` (payload ``transaction_id``,
        dedupe key ``ingest:<id>``) in one atomic step unless the id is known: (stored, created)."""
        ...


class IngestUnitOfWork(UnitOfWork, Protocol):
    transactions: TransactionRepository


@dataclass(frozen=True, slots=True)
class ProcessingResult:
    succeeded: bool
    reason: str = ""


class TransactionProcessor(Protocol):
    """The external system that settles a reported transaction (simulated, as in seed 004)."""

    def process(self, transaction: Transaction) -> ProcessingResult: ...


class SourceRepository(Protocol):
    def add(self, source: TransactionSource) -> None: ...

    def get(self, source_id: str, *, for_update: bool = False) -> TransactionSource | None: ...

    def save(self, source: TransactionSource) -> None: ...

    def list(self) -> list[TransactionSource]:
        """Newest first."""
        ...


class MessageReceipts(Protocol):
    def add_if_absent(self, *, source_id: str, message_id: str, now: datetime) -> bool:
        """Records a source's ``webhook-id``; False (nothing recorded) when it was already seen."""
        ...

    def purge_older_than(self, cutoff: datetime) -> int: ...


class SourceUnitOfWork(UnitOfWork, Protocol):
    sources: SourceRepository


class SignedIngestUnitOfWork(IngestUnitOfWork, Protocol):
    receipts: MessageReceipts


class RateLimiter(Protocol):
    def hit(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        """Counts one hit; None if allowed, else the seconds to wait."""
        ...
