"""A transaction reported by an external processor's webhook (seed 004), and its processing state.

The sender's ``transaction_id`` is the identity: the same id sent again is the same transaction.
Processing moves ``PROCESSING`` to ``PROCESSED`` (or ``FAILED`` once retries run out) exactly once;
``attempts`` counts the calls to the external processor that were started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

MAX_ID_LENGTH = 128
# No real transfer comes near this; it keeps every amount inside a 64-bit count of minor units.
MAX_AMOUNT_MINOR = 10**17
MAX_REASON_LENGTH = 2000


class TransactionStatus(StrEnum):
    PROCESSING = "PROCESSING"
    PROCESSED = "PROCESSED"
    FAILED = "FAILED"


def is_valid_reference(value: str) -> bool:
    """Ids and account references: 1 to 128 printable characters (no control characters)."""
    return 0 < len(value) <= MAX_ID_LENGTH and value.isprintable()


def _reference(value: str, field: str) -> str:
    if not is_valid_reference(value):
        raise InvalidValue(
            f"{field} must be 1 to {MAX_ID_LENGTH} printable characters", code="invalid_reference", field=field
        )
    return value


@dataclass(kw_only=True, slots=True)
class Transaction:
    transaction_id: str
    source_account: str
    destination_account: str
    amount: Money
    created_at: datetime
    status: TransactionStatus = TransactionStatus.PROCESSING
    processed_at: datetime | None = None
    attempts: int = 0
    last_error: str = ""
    # The registered source that sent it (None: an unsigned legacy sender, seed 004's path).
    source_id: str | None = None

    @classmethod
    def receive(
        cls,
        *,
        transaction_id: str,
        source_account: str,
        destination_account: str,
        amount: Money,
        now: datetime,
        source_id: str | None = None,
    ) -> Transaction:
        """A freshly reported transaction, waiting for processing."""
        if not amount.is_positive():
            raise InvalidValue("amount must be greater than zero", code="invalid_amount", field="amount")
        if amount.minor > MAX_AMOUNT_MINOR:
            raise InvalidValue("amount is too large", code="invalid_amount", field="amount")
        return cls(
            transaction_id=_reference(transaction_id, "transaction_id"),
            source_account=_reference(source_account, "source_account"),
            destination_account=_reference(destination_account, "destination_account"),
            amount=amount,
            created_at=now,
            source_id=source_id,
        )

    def same_content(self, other: Transaction) -> bool:
        """Whether ``other`` reports the same transfer (a replay) rather than a different one under this id."""
        return (
            self.transaction_id == other.transaction_id
            and self.source_account == other.source_account
            and self.destination_account == other.destination_account
            and self.amount == other.amount
            and self.source_id == other.source_id
        )

    @property
    def is_final(self) -> bool:
        return self.status is not TransactionStatus.PROCESSING

    def start_attempt(self) -> None:
        self._require_processing("process")
        self.attempts += 1

    def mark_processed(self, now: datetime) -> None:
        self._require_processing("mark processed")
        self.status = TransactionStatus.PROCESSED
        self.processed_at = now

    def record_failure(self, reason: str) -> None:
        """A failed attempt that will be retried: the reason is kept, the status stays PROCESSING."""
        self._require_processing("record a failure for")
        self.last_error = reason[:MAX_REASON_LENGTH]

    def mark_failed(self, reason: str, now: datetime) -> None:
        """The last attempt failed: the transaction ends FAILED; ``processed_at`` is when processing ended."""
        self._require_processing("mark failed")
        self.status = TransactionStatus.FAILED
        self.last_error = reason[:MAX_REASON_LENGTH]
        self.processed_at = now

    def _require_processing(self, action: str) -> None:
        if self.is_final:
            raise InvalidTransition(f"Cannot {action} a transaction that is already {self.status}")
