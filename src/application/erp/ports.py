"""The ERP port and what the sync use cases need around it.

``ErpGateway`` is the one driven port to the ERP (SAP S/4HANA in production, its simulator in
development). Writes answer result objects that say whether a failure is worth retrying; reads
raise ``ErpUnavailable``. Provider exceptions never cross this line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from application.shared.errors import Unavailable
from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.erp.business_partner import BusinessPartnerData
from domain.erp.journal_entry import JournalEntryDocument, SapDocumentKey
from domain.erp.sync import SyncKind, SyncRecord, SyncStatus
from domain.shared.money import Money


class ErpUnavailable(Unavailable):
    code = "erp_unavailable"


@dataclass(frozen=True, slots=True)
class ErpFailure:
    message: str
    # True for outages (connection refused, timeouts, 5xx, 429, auth): try again later.
    # False when SAP refused the data itself: retrying the same request cannot help.
    retryable: bool


@dataclass(frozen=True, slots=True)
class BusinessPartnerResult:
    business_partner: str = ""
    created: bool = False
    failure: ErpFailure | None = None


@dataclass(frozen=True, slots=True)
class JournalEntryResult:
    document: SapDocumentKey | None = None
    # SAP refused the message id as already processed: the entry exists (``document`` when SAP said which).
    duplicate: bool = False
    failure: ErpFailure | None = None


@dataclass(frozen=True, slots=True)
class SapJournalEntry:
    """One of our journal entries as SAP has it (its bank GL line)."""

    key: SapDocumentKey
    reference: str
    amount: Money  # the bank line's amount, unsigned
    posting_date: date | None = None
    credit: bool = False  # the bank line is a credit (H): a reversal, money going back out


@dataclass(frozen=True, slots=True)
class JournalEntryQuery:
    company_code: str
    gl_account: str
    document_type: str
    posted_from: date | None = None


@dataclass(frozen=True, slots=True)
class SapJournalEntryPage:
    items: list[SapJournalEntry]
    total: int


class ErpGateway(Protocol):
    def business_partner_upsert(self, partner: BusinessPartnerData, *, known_id: str | None) -> BusinessPartnerResult:
        """Create the partner, or update it when it exists (found by ``known_id`` or by its reference)."""
        ...

    def journal_entry_post(self, document: JournalEntryDocument) -> JournalEntryResult: ...

    def journal_entry_find(self, *, company_code: str, reference: str) -> SapJournalEntry | None:
        """Our document with this reference, if SAP has it; raises ErpUnavailable."""
        ...

    def journal_entries(self, query: JournalEntryQuery, *, skip: int, top: int) -> SapJournalEntryPage:
        """A page of the bank-GL lines of our document type; raises ErpUnavailable."""
        ...


@dataclass(frozen=True, slots=True)
class JournalEntrySettings:
    company_code: str
    bank_gl_account: str
    document_type: str


@dataclass(frozen=True, slots=True)
class SyncFilter:
    kind: SyncKind | None = None
    status: SyncStatus | None = None


class SyncRecordRepository(Protocol):
    def get(self, kind: SyncKind, object_id: str) -> SyncRecord | None: ...

    def add_if_absent(self, record: SyncRecord) -> bool:
        """Insert unless (kind, object id) exists, atomically; True when this call inserted it."""
        ...

    def claim(self, kind: SyncKind, object_id: str, *, now: datetime, lease: timedelta) -> SyncRecord | None:
        """Take the record for one sync attempt (None while another worker holds it); ``save`` releases it."""
        ...

    def save(self, record: SyncRecord, *, keep_claim: bool = False) -> None:
        """Store the record's state and, unless ``keep_claim``, release a claim."""
        ...

    def for_objects(self, kind: SyncKind, object_ids: list[str]) -> dict[str, SyncRecord]: ...

    def list(self, filters: SyncFilter, page: PageRequest) -> Page[SyncRecord]:
        """Newest first, keyset-paginated over (created_at, id)."""
        ...

    def iterate(self, kind: SyncKind) -> Iterator[SyncRecord]: ...


class BusinessPartnerSource(Protocol):
    """The distributors context, seen from the ERP: a distributor as SAP's business partner."""

    def business_partner_data(self, distributor_id: str) -> BusinessPartnerData | None: ...


class ErpUnitOfWork(UnitOfWork, Protocol):
    sync_records: SyncRecordRepository
