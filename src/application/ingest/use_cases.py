"""Ingesting transactions reported by webhook (seed 004): receive fast, process once in the background.

Receiving stores the transaction and its processing job (an outbox row) in one transaction, so a
stored transaction is always processed eventually, and a replay of the same ``transaction_id``
stores nothing. Processing is driven by the outbox, which may run it again after a crash; it is
therefore idempotent: a transaction that reached a final state is never processed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from application.ingest.ports import (
    IngestUnitOfWork,
    ProcessingResult,
    TransactionFilter,
    TransactionInbox,
    TransactionProcessor,
    TransactionRepository,
)
from application.shared.errors import Conflict, NotFound
from application.shared.outbox import RetryLater
from application.shared.pagination import Page, PageRequest
from domain.ingest.transaction import Transaction, is_valid_reference
from domain.shared.clock import Clock
from domain.shared.money import Money

PROCESS_TOPIC = "ingest.transaction.process"


class TransactionConflict(Conflict):
    code = "transaction_conflict"


@dataclass(frozen=True, slots=True)
class ReceiveTransaction:
    transaction_id: str
    source_account: str
    destination_account: str
    amount: str | int | Decimal
    currency: str
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Received:
    transaction: Transaction
    created: bool


def transaction_receive(*, inbox: TransactionInbox, command: ReceiveTransaction, clock: Clock) -> Received:
    """Store a reported transaction once; a replay returns the stored one, a different one is refused.

    The transaction and its processing job are one atomic write (``TransactionInbox``): on the hot
    path there is no transaction to open or commit around them."""
    candidate = Transaction.receive(
        transaction_id=command.transaction_id,
        source_account=command.source_account,
        destination_account=command.destination_account,
        amount=Money.parse(command.amount, command.currency),
        now=clock.now(),
        source_id=command.source_id,
    )
    stored, created = inbox.receive(candidate, process_topic=PROCESS_TOPIC)
    if not created and not stored.same_content(candidate):
        raise TransactionConflict(
            f"Transaction {stored.transaction_id!r} was already received with different content; "
            "the first version is kept",
            extra={"transaction_id": stored.transaction_id},
        )
    return Received(stored, created)


def transaction_process(
    *,
    uow: IngestUnitOfWork,
    processor: TransactionProcessor,
    transaction_id: str,
    clock: Clock,
    attempt: int,
    max_attempts: int,
) -> Transaction | None:
    """Run one processing attempt; ``attempt`` counts from 1 and the last one decides FAILED.

    Raises RetryLater when the attempt failed (``give_up`` on the last one, after recording FAILED).
    """
    with uow:
        transaction = uow.transactions.get(transaction_id)
        if transaction is None or transaction.is_final:
            return transaction
        transaction.start_attempt()
        # Committed before the call: every call that may have reached the processor is on record.
        if not uow.transactions.start_attempt(transaction):
            return uow.transactions.get(transaction_id)
    result = _call(processor, transaction)
    now = clock.now()
    if result.succeeded:
        transaction.mark_processed(now)
        with uow:
            uow.transactions.mark_processed(transaction)
        return transaction
    reason = result.reason or "the processor refused the transaction"
    last = attempt >= max_attempts
    if last:
        transaction.mark_failed(reason, now)
    else:
        transaction.record_failure(reason)
    with uow:
        uow.transactions.record_failure(transaction)
    raise RetryLater(reason, give_up=last)


def _call(processor: TransactionProcessor, transaction: Transaction) -> ProcessingResult:
    try:
        return processor.process(transaction)
    except Exception as exc:  # noqa: BLE001 - a processor that raises is a failed attempt like any other
        return ProcessingResult(succeeded=False, reason=f"{type(exc).__name__}: {exc}")


def transaction_get(*, transactions: TransactionRepository, transaction_id: str) -> Transaction:
    # An id no sender could have used is simply unknown; it never reaches the database.
    found = transactions.get(transaction_id) if is_valid_reference(transaction_id) else None
    if found is None:
        raise NotFound(f"No transaction {transaction_id[:128]!r}")
    return found


def transactions_list(
    *, transactions: TransactionRepository, filters: TransactionFilter, page: PageRequest
) -> Page[Transaction]:
    return transactions.list(filters, page)
