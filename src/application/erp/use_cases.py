"""ERP sync use cases: requesting syncs, running them from the outbox, resync, reconciliation.

A sync is requested by writing (or re-opening) its sync record and an outbox message in the
caller's transaction. The outbox handler runs one attempt: it claims the record, calls SAP
outside any transaction, and stores the outcome. Retryable failures keep the record ``pending``
with the error and raise ``RetryLater`` (the outbox backs off); the last attempt, or a refusal
SAP will repeat, marks it ``failed``. Attempts are idempotent on SAP's side: business partners
are upserted by our reference, journal entries carry a message id SAP refuses to post twice.

A refund of a distributor payment is a **reversal journal entry** (sync kind ``journal_reversal``,
object id = the refund id, topic ``erp.journal_reversal.post``): the payment's entry with debit and
credit swapped, for the refund's amount. It waits (retrying) until the payment's own entry is in
SAP, so SAP never holds a reversal without the entry it reverses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NoReturn

from application.erp.journal import JOURNAL_ENTRY_TOPIC, JOURNAL_REVERSAL_TOPIC, JOURNAL_TOPICS, JournalRequest
from application.erp.ports import (
    BusinessPartnerSource,
    ErpFailure,
    ErpGateway,
    ErpUnavailable,
    ErpUnitOfWork,
    JournalEntryQuery,
    JournalEntrySettings,
    SapJournalEntry,
    SyncFilter,
    SyncRecordRepository,
)
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.outbox import Attempt, RetryLater
from application.shared.pagination import Page, PageRequest
from application.shared.ports import Outbox
from domain.erp.journal_entry import JournalEntryDocument, document_reference_for
from domain.erp.sync import SyncKind, SyncRecord
from domain.shared.clock import Clock
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

BUSINESS_PARTNER_TOPIC = "erp.business_partner.upsert"
JOURNAL_KINDS = (SyncKind.JOURNAL_ENTRY, SyncKind.JOURNAL_REVERSAL)
# How long one attempt may hold a record before another worker may take it over.
CLAIM_LEASE = timedelta(seconds=120)
RECONCILE_PAGE_SIZE = 500
# Called outside the outbox (tests, scripts): one attempt, and a failure is final.
SINGLE_ATTEMPT = Attempt(1, 1)


# ---------------------------------------------------------------------------------------------
# Requesting syncs (inside the caller's unit of work)
# ---------------------------------------------------------------------------------------------


def _open(sync_records: SyncRecordRepository, record: SyncRecord) -> tuple[SyncRecord, bool]:
    """The stored record for (kind, object id), inserting ``record`` if there is none; and whether it was new."""
    if sync_records.add_if_absent(record):
        return record, True
    existing = sync_records.get(record.kind, record.object_id)
    if existing is None:  # pragma: no cover - add_if_absent just saw it
        raise NotFound(f"No {record.kind.value} sync record for {record.object_id}")
    return existing, False


def business_partner_sync_request(
    *, sync_records: SyncRecordRepository, outbox: Outbox, distributor_id: str, clock: Clock
) -> SyncRecord:
    """Ask for the distributor's business partner to be created or updated in SAP."""
    now = clock.now()
    record, created = _open(
        sync_records, SyncRecord.requested(kind=SyncKind.BUSINESS_PARTNER, object_id=distributor_id, now=now)
    )
    if not created:
        record.request_again(now=now)
        # A worker may hold the record right now: leave its claim alone, the new message runs after it.
        sync_records.save(record, keep_claim=True)
    outbox.add(BUSINESS_PARTNER_TOPIC, {"distributor_id": distributor_id})
    return record


def journal_request(
    *, sync_records: SyncRecordRepository, outbox: Outbox, request: JournalRequest, clock: Clock
) -> SyncRecord:
    """Record a pending journal posting and queue it; asking twice for one payment (or refund) is one posting."""
    if not request.amount.is_positive():
        raise InvalidInput(f"{request.label} needs a positive amount", code="invalid_amount", field="amount")
    payload = request.payload()
    record, _ = _open(
        sync_records,
        SyncRecord.requested(kind=request.kind, object_id=request.object_id, now=clock.now(), payload=payload),
    )
    outbox.add(request.topic, payload, dedupe_key=request.dedupe_key)
    return record


# ---------------------------------------------------------------------------------------------
# Running syncs (outbox handlers)
# ---------------------------------------------------------------------------------------------


def _claim(uow: ErpUnitOfWork, kind: SyncKind, object_id: str, clock: Clock) -> SyncRecord:
    with uow:
        record = uow.sync_records.claim(kind, object_id, now=clock.now(), lease=CLAIM_LEASE)
    if record is None:
        raise RetryLater(f"another worker is syncing {kind.value} {object_id}", delay=CLAIM_LEASE)
    return record


def _start(uow: ErpUnitOfWork, record: SyncRecord, clock: Clock) -> None:
    # Counted and stored before SAP is called: every call that may have reached SAP is on record.
    record.start_attempt(now=clock.now())
    with uow:
        uow.sync_records.save(record, keep_claim=True)


def _fail(uow: ErpUnitOfWork, record: SyncRecord, failure: ErpFailure, attempt: Attempt, clock: Clock) -> NoReturn:
    final = attempt.is_last or not failure.retryable
    record.attempt_failed(error=failure.message, now=clock.now(), final=final)
    with uow:
        uow.sync_records.save(record)
    raise RetryLater(failure.message, give_up=final)


def _succeed(uow: ErpUnitOfWork, record: SyncRecord, sap_id: str, clock: Clock, livemode: bool) -> SyncRecord:
    record.succeeded(sap_id=sap_id, now=clock.now(), livemode=livemode)
    with uow:
        uow.sync_records.save(record)
    return record


def business_partner_sync(
    *,
    uow: ErpUnitOfWork,
    gateway: ErpGateway,
    partners: BusinessPartnerSource,
    distributor_id: str,
    clock: Clock,
    attempt: Attempt = SINGLE_ATTEMPT,
    livemode: bool = True,
) -> SyncRecord:
    """One attempt to upsert the distributor's business partner; raises RetryLater on failure.

    ``livemode`` false: the gateway is the SAP simulator, and the record says so once synced."""
    with uow:
        uow.sync_records.add_if_absent(
            SyncRecord.requested(kind=SyncKind.BUSINESS_PARTNER, object_id=distributor_id, now=clock.now())
        )
    record = _claim(uow, SyncKind.BUSINESS_PARTNER, distributor_id, clock)
    _start(uow, record, clock)
    partner = partners.business_partner_data(distributor_id)
    if partner is None:
        _fail(uow, record, ErpFailure("the distributor no longer exists", retryable=False), attempt, clock)
    result = gateway.business_partner_upsert(partner, known_id=record.sap_id or None)
    if result.failure is not None:
        _fail(uow, record, result.failure, attempt, clock)
    return _succeed(uow, record, result.business_partner, clock, livemode)


def journal_post(
    *,
    uow: ErpUnitOfWork,
    gateway: ErpGateway,
    request: JournalRequest,
    settings: JournalEntrySettings,
    clock: Clock,
    attempt: Attempt = SINGLE_ATTEMPT,
    livemode: bool = True,
) -> SyncRecord:
    """One attempt to post a payment's entry or a refund's reversal; a synced one is never posted again.

    A reversal waits (retrying) until the payment's entry is in SAP, so SAP never holds a reversal
    without the entry it reverses."""
    record, synced = _claim_journal(uow, request.kind, request.object_id, request.payload(), clock)
    if synced:
        return record
    original = ""
    if request.refund_id is not None:
        entry = uow.sync_records.get(SyncKind.JOURNAL_ENTRY, request.payment_id)
        if entry is None or not entry.is_synced:
            waiting = ErpFailure("the payment's journal entry is not in SAP yet", retryable=True)
            _fail(uow, record, waiting, attempt, clock)
        original = entry.sap_id
    debtor = _debtor(uow, record, request.distributor_id, attempt, clock)
    try:
        document = request.document(debtor=debtor, settings=settings, original_document=original)
    except InvalidValue as exc:
        _fail(uow, record, ErpFailure(exc.message, retryable=False), attempt, clock)
    return _post_document(
        uow, gateway, record, document, settings=settings, clock=clock, attempt=attempt, livemode=livemode
    )


def _claim_journal(
    uow: ErpUnitOfWork, kind: SyncKind, object_id: str, payload: dict[str, Any], clock: Clock
) -> tuple[SyncRecord, bool]:
    """Records the request (once), claims it and counts the attempt; True when it is already in SAP."""
    with uow:
        uow.sync_records.add_if_absent(
            SyncRecord.requested(kind=kind, object_id=object_id, now=clock.now(), payload=payload)
        )
    record = _claim(uow, kind, object_id, clock)
    if record.is_synced:
        with uow:
            uow.sync_records.save(record)
        return record, True
    _start(uow, record, clock)
    return record, False


def _debtor(uow: ErpUnitOfWork, record: SyncRecord, distributor_id: str, attempt: Attempt, clock: Clock) -> str:
    """The distributor's SAP business partner; the attempt waits (retryable) until it is in SAP."""
    partner = uow.sync_records.get(SyncKind.BUSINESS_PARTNER, distributor_id)
    if partner is None or not partner.sap_id:
        waiting = ErpFailure("the distributor's business partner is not in SAP yet", retryable=True)
        _fail(uow, record, waiting, attempt, clock)
    return partner.sap_id


def _post_document(
    uow: ErpUnitOfWork,
    gateway: ErpGateway,
    record: SyncRecord,
    document: JournalEntryDocument,
    *,
    settings: JournalEntrySettings,
    clock: Clock,
    attempt: Attempt,
    livemode: bool,
) -> SyncRecord:
    """Calls SAP (outside any transaction: the record was claimed and counted in earlier ones), stores the outcome."""
    result = gateway.journal_entry_post(document)
    if result.failure is not None:
        _fail(uow, record, result.failure, attempt, clock)
    key = result.document
    if key is None and result.duplicate:
        # SAP refused the message id as already posted without naming the document: look it up.
        try:
            found = gateway.journal_entry_find(company_code=settings.company_code, reference=document.reference)
        except ErpUnavailable as exc:
            _fail(uow, record, ErpFailure(exc.message, retryable=True), attempt, clock)
        key = found.key if found is not None else None
    if key is None:
        lost = ErpFailure("SAP reported the entry as a duplicate but the document was not found", retryable=True)
        _fail(uow, record, lost, attempt, clock)
    return _succeed(uow, record, str(key), clock, livemode)


NOT_CONFIGURED = "not_configured: no SAP system is configured in this deployment (SAP_BASE_URL); resync once it is"


def sync_not_configured(
    *, uow: ErpUnitOfWork, kind: SyncKind, object_id: str, clock: Clock, payload: dict[str, Any] | None = None
) -> SyncRecord | None:
    """No ERP is wired (a live deployment without SAP_BASE_URL): the record waits as ``pending`` with the
    reason, never ``synced``; nothing is retried until an admin resyncs it after SAP is configured."""
    now = clock.now()
    with uow:
        uow.sync_records.add_if_absent(SyncRecord.requested(kind=kind, object_id=object_id, now=now, payload=payload))
        record = uow.sync_records.get(kind, object_id)
        if record is not None and not record.is_synced:
            record.attempt_failed(error=NOT_CONFIGURED, now=now, final=False)
            uow.sync_records.save(record)
    return record


# ---------------------------------------------------------------------------------------------
# Reading and admin actions
# ---------------------------------------------------------------------------------------------


def sync_records_list(
    *, sync_records: SyncRecordRepository, filters: SyncFilter, page: PageRequest
) -> Page[SyncRecord]:
    return sync_records.list(filters, page)


def sync_resync(*, uow: ErpUnitOfWork, kind: SyncKind, object_id: str, clock: Clock) -> SyncRecord:
    """Put a record back to pending and queue a fresh attempt (a fresh retry budget)."""
    with uow:
        record = uow.sync_records.get(kind, object_id)
        if record is None:
            raise NotFound(f"No {kind.value} sync record for {object_id}")
        if kind in JOURNAL_KINDS and record.is_synced:
            raise Conflict(
                f"The journal entry is already posted as {record.sap_id}",
                code="already_synced",
                extra={"sap_id": record.sap_id},
            )
        record.request_again(now=clock.now())
        uow.sync_records.save(record, keep_claim=True)
        if kind is SyncKind.BUSINESS_PARTNER:
            uow.outbox.add(BUSINESS_PARTNER_TOPIC, {"distributor_id": object_id})
        else:
            uow.outbox.add(JOURNAL_TOPICS[kind], dict(record.payload))
    return record


# ---------------------------------------------------------------------------------------------
# Reconciliation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str  # missing_in_sap | amount_mismatch | unknown_in_ours | not_synced
    payment_id: str  # the payment (journal entry) or the refund (reversal) the record is about
    sap_document: str
    ours: str
    sap: str
    detail: str


@dataclass(slots=True)
class ReconcileReport:
    records: int = 0
    sap_documents: int = 0
    matched: int = 0
    differences: list[Difference] = field(default_factory=list)
    reversals: int = 0  # of ``records``: refunds' reversal entries
    # Net bank-GL movement per currency, minor units (entries minus reversals): ours over synced records,
    # SAP's over the documents read. They agree when nothing differs.
    net_ours: dict[str, int] = field(default_factory=dict)
    net_sap: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(1 for d in self.differences if d.kind == kind)


Progress = Callable[[int, int], None]


def erp_reconcile(
    *,
    sync_records: SyncRecordRepository,
    gateway: ErpGateway,
    settings: JournalEntrySettings,
    posted_from: date | None = None,
    progress: Progress | None = None,
) -> ReconcileReport:
    """Compare our journal-entry sync records with SAP's documents (their bank GL lines)."""
    query = JournalEntryQuery(
        company_code=settings.company_code,
        gl_account=settings.bank_gl_account,
        document_type=settings.document_type,
        posted_from=posted_from,
    )
    documents = _sap_documents(gateway, query, progress)
    by_key = {str(doc.key): doc for doc in documents}
    by_reference = {doc.reference: doc for doc in documents}
    report = ReconcileReport(sap_documents=len(by_key))
    for line in by_key.values():
        signed = -line.amount.minor if line.credit else line.amount.minor
        report.net_sap[line.amount.currency] = report.net_sap.get(line.amount.currency, 0) + signed
    seen: set[str] = set()
    records = (record for kind in JOURNAL_KINDS for record in sync_records.iterate(kind))
    for record in records:
        posted_on = record.payload.get("posted_on")
        if posted_from is not None and posted_on and date.fromisoformat(str(posted_on)) < posted_from:
            continue
        report.records += 1
        reversal = record.kind is SyncKind.JOURNAL_REVERSAL
        report.reversals += reversal
        ours = _our_amount(record)
        if ours is not None and record.is_synced:
            signed = -ours.minor if reversal else ours.minor
            report.net_ours[ours.currency] = report.net_ours.get(ours.currency, 0) + signed
        doc = by_key.get(record.sap_id) or by_reference.get(document_reference_for(record.object_id))
        if doc is not None:
            seen.add(str(doc.key))
        if not record.is_synced:
            detail = f"sync {record.status.value}" + (f": {record.last_error}" if record.last_error else "")
            if doc is not None:
                detail += "; SAP already has the document (a resync will record it)"
            report.differences.append(
                Difference(
                    "not_synced",
                    record.object_id,
                    str(doc.key) if doc else "",
                    _show(ours, credit=record.kind is SyncKind.JOURNAL_REVERSAL),
                    _show(doc.amount if doc else None, credit=doc.credit if doc else False),
                    detail,
                )
            )
            continue
        if doc is None:
            report.differences.append(
                Difference(
                    "missing_in_sap",
                    record.object_id,
                    record.sap_id,
                    _show(ours, credit=reversal),
                    "",
                    "SAP has no such document",
                )
            )
            continue
        if ours is None or ours != doc.amount or doc.credit != reversal:
            detail = "amounts differ" if ours is None or ours != doc.amount else "debit and credit differ"
            report.differences.append(
                Difference(
                    "amount_mismatch",
                    record.object_id,
                    str(doc.key),
                    _show(ours, credit=reversal),
                    _show(doc.amount, credit=doc.credit),
                    detail,
                )
            )
            continue
        report.matched += 1
    for key, doc in sorted(by_key.items()):
        if key not in seen:
            report.differences.append(
                Difference(
                    "unknown_in_ours",
                    "",
                    key,
                    "",
                    _show(doc.amount, credit=doc.credit),
                    f"reference {doc.reference or '-'}",
                )
            )
    return report


def _sap_documents(gateway: ErpGateway, query: JournalEntryQuery, progress: Progress | None) -> list[SapJournalEntry]:
    documents: list[SapJournalEntry] = []
    skip = 0
    while True:
        page = gateway.journal_entries(query, skip=skip, top=RECONCILE_PAGE_SIZE)
        documents.extend(page.items)
        skip += len(page.items)
        if progress is not None:
            progress(skip, max(page.total, skip))
        if not page.items or skip >= page.total:
            return documents


def _our_amount(record: SyncRecord) -> Money | None:
    try:
        return Money(int(record.payload["amount_minor"]), str(record.payload["currency"]))
    except (KeyError, TypeError, ValueError, InvalidValue):
        return None


def _show(amount: Money | None, *, credit: bool = False) -> str:
    """A bank-GL amount as SAP signs it: a reversal (credit) is negative."""
    if amount is None:
        return ""
    return str(Money(-amount.minor, amount.currency)) if credit else str(amount)


__all__ = [
    "BUSINESS_PARTNER_TOPIC",
    "JOURNAL_ENTRY_TOPIC",
    "JOURNAL_REVERSAL_TOPIC",
    "Difference",
    "JournalRequest",
    "ReconcileReport",
    "business_partner_sync",
    "business_partner_sync_request",
    "erp_reconcile",
    "journal_post",
    "journal_request",
    "sync_records_list",
    "sync_resync",
]


# ---------------------------------------------------------------------------------------------
# Where objects stand in SAP (for the contexts that show it: distributors, distributor payments)
# ---------------------------------------------------------------------------------------------


def sync_records_find(
    *, sync_records: SyncRecordRepository, kind: SyncKind, object_ids: list[str]
) -> dict[str, SyncRecord]:
    """Sync records by object id (e.g. payments' journal entries), for showing sync_status/sap_id/last_error."""
    return sync_records.for_objects(kind, object_ids) if object_ids else {}


def business_partner_sap_id(*, sync_records: SyncRecordRepository, distributor_id: str) -> str | None:
    """SAP's BusinessPartner number of the distributor, once synced."""
    record = sync_records.get(SyncKind.BUSINESS_PARTNER, distributor_id)
    return record.sap_id or None if record is not None else None
