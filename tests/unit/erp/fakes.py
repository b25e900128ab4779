"""In-memory fakes of the ERP ports (our own interfaces; never mocks of SAP)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from application.erp.ports import (
    BusinessPartnerResult,
    ErpUnavailable,
    JournalEntryQuery,
    JournalEntryResult,
    SapJournalEntry,
    SapJournalEntryPage,
    SyncFilter,
)
from application.shared.pagination import Page, PageRequest
from domain.erp.business_partner import BusinessPartnerData, PartnerAddress
from domain.erp.journal_entry import JournalEntryDocument, SapDocumentKey
from domain.erp.sync import SyncKind, SyncRecord
from tests.fakes.outbox import MemoryOutbox


class FixedClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class MemorySyncRecords:
    def __init__(self) -> None:
        self.rows: dict[tuple[SyncKind, str], SyncRecord] = {}
        self.locks: dict[tuple[SyncKind, str], datetime] = {}

    def get(self, kind: SyncKind, object_id: str) -> SyncRecord | None:
        found = self.rows.get((kind, object_id))
        return copy.deepcopy(found) if found else None

    def add_if_absent(self, record: SyncRecord) -> bool:
        key = (record.kind, record.object_id)
        if key in self.rows:
            return False
        self.rows[key] = copy.deepcopy(record)
        return True

    def claim(self, kind: SyncKind, object_id: str, *, now: datetime, lease: timedelta) -> SyncRecord | None:
        key = (kind, object_id)
        if key not in self.rows or (key in self.locks and self.locks[key] >= now):
            return None
        self.locks[key] = now + lease
        return self.get(kind, object_id)

    def save(self, record: SyncRecord, *, keep_claim: bool = False) -> None:
        key = (record.kind, record.object_id)
        self.rows[key] = copy.deepcopy(record)
        if not keep_claim:
            self.locks.pop(key, None)

    def for_objects(self, kind: SyncKind, object_ids: list[str]) -> dict[str, SyncRecord]:
        return {i: r for i in object_ids if (r := self.get(kind, i)) is not None}

    def list(self, filters: SyncFilter, page: PageRequest) -> Page[SyncRecord]:
        rows = [r for r in self.rows.values() if filters.kind in (None, r.kind) and filters.status in (None, r.status)]
        return Page(items=rows[: page.limit], next_cursor=None)

    def iterate(self, kind: SyncKind) -> Iterator[SyncRecord]:
        yield from (copy.deepcopy(r) for r in self.rows.values() if r.kind is kind)


class FakeUnitOfWork:
    def __init__(self, sync_records: MemorySyncRecords | None = None) -> None:
        self.sync_records = sync_records or MemorySyncRecords()
        self.outbox = MemoryOutbox()
        self._saved: Any = None

    def __enter__(self) -> FakeUnitOfWork:
        self._saved = (copy.deepcopy(self.sync_records.rows), dict(self.sync_records.locks), list(self.outbox.messages))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.sync_records.rows, self.sync_records.locks, self.outbox.messages = self._saved


class ScriptedGateway:
    """Answers from scripts (the last answer repeats) and records every call."""

    def __init__(self) -> None:
        self.partner_answers: list[BusinessPartnerResult] = [BusinessPartnerResult(business_partner="1000001")]
        self.journal_answers: list[JournalEntryResult] = []
        self.documents: list[SapJournalEntry] = []
        self.unavailable = False
        self.partner_calls: list[tuple[BusinessPartnerData, str | None]] = []
        self.journal_calls: list[JournalEntryDocument] = []
        self._next_document = 100000000

    def business_partner_upsert(self, partner: BusinessPartnerData, *, known_id: str | None) -> BusinessPartnerResult:
        self.partner_calls.append((partner, known_id))
        return self.partner_answers[min(len(self.partner_calls), len(self.partner_answers)) - 1]

    def journal_entry_post(self, document: JournalEntryDocument) -> JournalEntryResult:
        self.journal_calls.append(document)
        if self.journal_answers:
            return self.journal_answers[min(len(self.journal_calls), len(self.journal_answers)) - 1]
        key = SapDocumentKey(document.company_code, f"{self._next_document:010d}", str(document.posting_date.year))
        self._next_document += 1
        self.documents.append(
            SapJournalEntry(key, document.reference, document.amount, document.posting_date, credit=document.reversal)
        )
        return JournalEntryResult(document=key)

    def journal_entry_find(self, *, company_code: str, reference: str) -> SapJournalEntry | None:
        if self.unavailable:
            raise ErpUnavailable("SAP is down")
        return next((d for d in self.documents if d.reference == reference), None)

    def journal_entries(self, query: JournalEntryQuery, *, skip: int, top: int) -> SapJournalEntryPage:
        if self.unavailable:
            raise ErpUnavailable("SAP is down")
        return SapJournalEntryPage(items=self.documents[skip : skip + top], total=len(self.documents))


class StaticPartners:
    def __init__(self, known: set[str] | None = None) -> None:
        self.known = known if known is not None else set()

    def business_partner_data(self, distributor_id: str) -> BusinessPartnerData | None:
        if distributor_id not in self.known:
            return None
        return BusinessPartnerData(
            reference="PPD0123456789AB",
            legal_name="Acme Distribution Private Limited",
            trade_name="Acme",
            gstin="27AAPFU0939F1ZV",
            pan="AAPFU0939F",
            address=PartnerAddress("12 MG Road", "", "Pune", "", "411001", "IN"),
            email="a@acme.example",
            phone="+919812345678",
        )


def with_sap_id(record: SyncRecord, sap_id: str) -> SyncRecord:
    return replace(record, sap_id=sap_id)
