"""A sync record: where one of our objects stands in the ERP.

One record per (kind, object id): a distributor's business partner, a payment's journal entry, or
a refund's reversal journal entry.
``pending`` while a sync is requested or being retried (``last_error`` says why the latest attempt
failed), ``synced`` with the SAP id once SAP confirmed it, ``failed`` when the retries ran out or
SAP refused the data; an admin resync puts it back to ``pending``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.shared.errors import InvalidValue

MAX_ERROR_LENGTH = 2000


class SyncKind(StrEnum):
    BUSINESS_PARTNER = "business_partner"
    JOURNAL_ENTRY = "journal_entry"  # object id: the payment
    JOURNAL_REVERSAL = "journal_reversal"  # object id: the refund (the payment's entry, debit and credit swapped)


class SyncStatus(StrEnum):
    PENDING = "pending"
    SYNCED = "synced"
    FAILED = "failed"


def parse_kind(value: str) -> SyncKind:
    try:
        return SyncKind(value)
    except ValueError:
        raise InvalidValue(f"Unknown sync kind {value!r}", code="invalid_sync_kind", field="kind") from None


@dataclass(kw_only=True, slots=True)
class SyncRecord:
    kind: SyncKind
    object_id: str
    created_at: datetime
    updated_at: datetime
    status: SyncStatus = SyncStatus.PENDING
    attempts: int = 0
    last_error: str = ""
    sap_id: str = ""
    synced_at: datetime | None = None
    # What the sync needs to run again (a journal entry's amount and date); empty for business partners.
    payload: dict[str, Any] = field(default_factory=dict)
    # False once synced with the SAP simulator rather than a real SAP system.
    livemode: bool = True

    @classmethod
    def requested(
        cls, *, kind: SyncKind, object_id: str, now: datetime, payload: dict[str, Any] | None = None
    ) -> SyncRecord:
        return cls(kind=kind, object_id=object_id, created_at=now, updated_at=now, payload=dict(payload or {}))

    @property
    def is_synced(self) -> bool:
        return self.status is SyncStatus.SYNCED

    def request_again(self, *, now: datetime) -> None:
        """A new sync was asked for (data changed, or an admin resync); the SAP id is kept for the upsert."""
        self.status = SyncStatus.PENDING
        self.updated_at = now

    def start_attempt(self, *, now: datetime) -> None:
        self.attempts += 1
        self.updated_at = now

    def succeeded(self, *, sap_id: str, now: datetime, livemode: bool = True) -> None:
        self.status = SyncStatus.SYNCED
        self.livemode = livemode
        self.sap_id = sap_id
        self.last_error = ""
        self.synced_at = now
        self.updated_at = now

    def attempt_failed(self, *, error: str, now: datetime, final: bool) -> None:
        """A retried failure keeps the record pending (with the reason); the final one marks it failed."""
        self.last_error = (error or "unknown error")[:MAX_ERROR_LENGTH]
        self.status = SyncStatus.FAILED if final else SyncStatus.PENDING
        self.updated_at = now
