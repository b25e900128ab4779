"""In-memory fakes of the ingest ports (our own interfaces; never mocks)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from application.ingest.ports import ProcessingResult, TransactionFilter
from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, Page, PageRequest, encode_cursor
from domain.ingest.transaction import Transaction
from tests.fakes.outbox import MemoryOutbox


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 1, 15, 10, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class MemoryTransactionRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Transaction] = {}
        self.ids: dict[str, int] = {}
        self.reads = 0

    def add_if_absent(self, transaction: Transaction) -> tuple[Transaction, bool]:
        if transaction.transaction_id in self.rows:
            return replace(self.rows[transaction.transaction_id]), False
        self.rows[transaction.transaction_id] = replace(transaction)
        self.ids[transaction.transaction_id] = len(self.ids) + 1
        return replace(transaction), True

    def get(self, transaction_id: str) -> Transaction | None:
        self.reads += 1
        found = self.rows.get(transaction_id)
        return replace(found) if found is not None else None

    def _processing(self, transaction: Transaction) -> Transaction | None:
        stored = self.rows.get(transaction.transaction_id)
        return stored if stored is not None and not stored.is_final else None

    def start_attempt(self, transaction: Transaction) -> bool:
        stored = self._processing(transaction)
        if stored is None:
            return False
        stored.attempts += 1
        return True

    def mark_processed(self, transaction: Transaction) -> bool:
        stored = self._processing(transaction)
        if stored is None:
            return False
        stored.status, stored.processed_at = transaction.status, transaction.processed_at
        return True

    def record_failure(self, transaction: Transaction) -> bool:
        stored = self._processing(transaction)
        if stored is None:
            return False
        stored.status, stored.processed_at = transaction.status, transaction.processed_at
        stored.last_error = transaction.last_error
        return True

    def list(self, filters: TransactionFilter, page: PageRequest) -> Page[Transaction]:
        def key(t: Transaction) -> tuple[datetime, int]:
            return (t.created_at, self.ids[t.transaction_id])

        rows = sorted(self.rows.values(), key=key, reverse=True)
        rows = [
            t
            for t in rows
            if (filters.status is None or t.status == filters.status)
            and (filters.currency is None or t.amount.currency == filters.currency)
            and (filters.created_after is None or t.created_at >= filters.created_after)
            and (filters.created_before is None or t.created_at < filters.created_before)
        ]
        if page.after is not None:
            after = (page.after.created_at, _row_id(page.after.id))
            rows = [t for t in rows if key(t) < after]
        items = rows[: page.limit]
        next_cursor = None
        if len(rows) > page.limit:
            last = items[-1]
            next_cursor = encode_cursor(CursorPosition(last.created_at, str(self.ids[last.transaction_id])))
        return Page(items=[replace(t) for t in items], next_cursor=next_cursor)


def _row_id(raw: str) -> int:
    """Ids are a bigint sequence, as in the database: anything else in a cursor is the client's error."""
    try:
        row_id = int(raw)
    except ValueError:
        row_id = 0
    if not 0 < row_id < 2**63:
        raise InvalidInput("cursor is not valid", code="invalid_cursor", field="cursor")
    return row_id


class FakeUnitOfWork:
    """Commits on a clean exit; on an exception puts the repository and outbox back as they were."""

    def __init__(self, transactions: MemoryTransactionRepository | None = None) -> None:
        self.transactions = transactions or MemoryTransactionRepository()
        self.outbox = MemoryOutbox()
        self.commits = 0
        self._saved: tuple[Any, Any] | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._saved = (copy.deepcopy(self.transactions.rows), list(self.outbox.messages))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._saved is not None
        if exc_type is None:
            self.commits += 1
        else:
            self.transactions.rows, self.outbox.messages = self._saved
        self._saved = None


class ScriptedProcessor:
    """Answers from a script (the last answer repeats) and records every call."""

    def __init__(self, *answers: ProcessingResult | Exception) -> None:
        self.answers = list(answers) or [ProcessingResult(succeeded=True)]
        self.calls: list[str] = []

    def process(self, transaction: Transaction) -> ProcessingResult:
        self.calls.append(transaction.transaction_id)
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


class UnitOfWorkInbox:
    """The inbox port over the fake unit of work: the row and its job in one commit, as the Django adapter
    writes them in one statement."""

    def __init__(self, uow: Any) -> None:
        self.uow = uow

    def receive(self, transaction: Transaction, *, process_topic: str) -> tuple[Transaction, bool]:
        with self.uow:
            stored, created = self.uow.transactions.add_if_absent(transaction)
            if created:
                self.uow.outbox.add(
                    process_topic,
                    {"transaction_id": transaction.transaction_id},
                    dedupe_key=f"ingest:{transaction.transaction_id}",
                )
        return stored, created
