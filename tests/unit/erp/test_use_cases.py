"""ERP use cases on fakes: requesting, retrying, giving up, idempotent posting, resync, reconciliation.

A payment's entry and a refund's reversal are posted by one use case: what holds for both is one
parametrized test (tests/unit/erp/test_reversals.py holds what only a reversal does)."""

from __future__ import annotations

from datetime import date

import pytest

from application.erp import use_cases
from application.erp.journal import JournalRequest
from application.erp.ports import BusinessPartnerResult, ErpFailure, JournalEntryResult, SapJournalEntry
from application.shared.errors import Conflict, NotFound
from application.shared.outbox import Attempt, RetryLater
from domain.erp.journal_entry import SapDocumentKey, document_reference_for
from domain.erp.sync import SyncKind, SyncStatus
from domain.shared.money import Money
from tests.unit.erp.fakes import ScriptedGateway
from tests.unit.erp.steps import DISTRIBUTOR, SETTINGS, entry, post, ready_to_post, request, reversal, sync_partner

PAYMENT = "p1"
REFUND = "r1"
DOWN = ErpFailure("SAP unreachable: ConnectError", retryable=True)

# Each posting with what must be in SAP before it: a reversal needs its payment's entry.
JOURNALS = [
    pytest.param(entry(PAYMENT), [], id="entry"),
    pytest.param(reversal(REFUND, PAYMENT), [entry(PAYMENT)], id="reversal"),
]


def test_request_opens_a_pending_record_and_queues_one_message(uow, clock):
    with uow:
        use_cases.business_partner_sync_request(
            sync_records=uow.sync_records, outbox=uow.outbox, distributor_id=DISTRIBUTOR, clock=clock
        )
    record = uow.sync_records.get(SyncKind.BUSINESS_PARTNER, DISTRIBUTOR)
    assert record is not None
    assert record.status is SyncStatus.PENDING
    assert uow.outbox.messages == [(use_cases.BUSINESS_PARTNER_TOPIC, {"distributor_id": DISTRIBUTOR}, None)]


def test_partner_sync_retries_keep_pending_then_succeed(uow, clock):
    gateway = ScriptedGateway()
    gateway.partner_answers = [BusinessPartnerResult(failure=DOWN), BusinessPartnerResult(business_partner="1000042")]
    with pytest.raises(RetryLater) as retry:
        sync_partner(uow, clock, gateway)
    assert not retry.value.give_up
    record = uow.sync_records.get(SyncKind.BUSINESS_PARTNER, DISTRIBUTOR)
    assert (record.status, record.attempts, record.last_error) == (SyncStatus.PENDING, 1, DOWN.message)
    record = sync_partner(uow, clock, gateway, attempt=Attempt(2, 5))
    assert (record.status, record.sap_id, record.attempts, record.last_error) == (SyncStatus.SYNCED, "1000042", 2, "")
    # The next upsert updates the partner SAP gave us instead of looking it up again.
    sync_partner(uow, clock, gateway, attempt=Attempt(1, 5))
    assert gateway.partner_calls[-1][1] == "1000042"


def test_partner_sync_fails_on_the_last_attempt_or_a_refusal(uow, clock):
    gateway = ScriptedGateway()
    gateway.partner_answers = [BusinessPartnerResult(failure=DOWN)]
    with pytest.raises(RetryLater) as retry:
        sync_partner(uow, clock, gateway, attempt=Attempt(5, 5))
    assert retry.value.give_up
    assert uow.sync_records.get(SyncKind.BUSINESS_PARTNER, DISTRIBUTOR).status is SyncStatus.FAILED
    gateway.partner_answers = [BusinessPartnerResult(failure=ErpFailure("Property 'X' is invalid", retryable=False))]
    with pytest.raises(RetryLater) as retry:
        sync_partner(uow, clock, gateway, attempt=Attempt(1, 5))
    assert retry.value.give_up


def test_a_vanished_distributor_fails_at_once(uow, clock):
    with pytest.raises(RetryLater) as retry:
        sync_partner(uow, clock, ScriptedGateway(), known=())
    assert retry.value.give_up
    assert "no longer exists" in uow.sync_records.get(SyncKind.BUSINESS_PARTNER, DISTRIBUTOR).last_error


def test_a_record_held_by_another_worker_is_retried_later_untouched(uow, clock):
    gateway = ScriptedGateway()
    sync_partner(uow, clock, gateway)
    uow.sync_records.claim(SyncKind.BUSINESS_PARTNER, DISTRIBUTOR, now=clock.now(), lease=use_cases.CLAIM_LEASE)
    with pytest.raises(RetryLater) as retry:
        sync_partner(uow, clock, gateway)
    assert not retry.value.give_up
    assert retry.value.delay == use_cases.CLAIM_LEASE
    assert len(gateway.partner_calls) == 1


def test_journal_entry_waits_for_the_business_partner(uow, clock):
    gateway = ScriptedGateway()
    with pytest.raises(RetryLater) as retry:
        post(uow, clock, gateway, entry(PAYMENT))
    assert not retry.value.give_up
    record = uow.sync_records.get(SyncKind.JOURNAL_ENTRY, PAYMENT)
    assert record.status is SyncStatus.PENDING
    assert "business partner" in record.last_error
    assert record.payload == {
        "payment_id": PAYMENT,
        "distributor_id": DISTRIBUTOR,
        "amount_minor": 150000,
        "currency": "INR",
        "posted_on": "2026-04-01",
    }
    sync_partner(uow, clock, gateway)
    record = post(uow, clock, gateway, entry(PAYMENT), attempt=Attempt(2, 5))
    assert record.status is SyncStatus.SYNCED
    assert record.sap_id == "1010/0100000000/2026"
    [document] = gateway.journal_calls
    assert document.debtor == "1000001"
    assert document.amount == Money(150000, "INR")


@pytest.mark.parametrize(("journal", "before"), JOURNALS)
def test_requesting_twice_is_one_record_and_one_message(uow, clock, journal: JournalRequest, before):
    for _ in range(2):
        record = request(uow, clock, journal)
    assert (record.kind, record.object_id, record.status) == (journal.kind, journal.object_id, SyncStatus.PENDING)
    assert [m[0] for m in uow.outbox.messages] == [journal.topic]
    assert uow.outbox.messages[0][1]["payment_id"] == PAYMENT
    assert uow.outbox.messages[0][1]["amount_minor"] == journal.amount.minor


@pytest.mark.parametrize(("journal", "before"), JOURNALS)
def test_a_posted_journal_document_is_never_posted_again(uow, clock, journal: JournalRequest, before):
    gateway = ready_to_post(uow, clock, before)
    first = post(uow, clock, gateway, journal)
    again = post(uow, clock, gateway, journal)
    assert again.is_synced
    assert again.sap_id == first.sap_id
    assert again.attempts == 1
    assert len(gateway.journal_calls) == len(before) + 1


@pytest.mark.parametrize(("journal", "before"), JOURNALS)
def test_duplicate_answers_count_as_posted(uow, clock, journal: JournalRequest, before):
    gateway = ready_to_post(uow, clock, before)
    key = SapDocumentKey("1010", "0100000007", "2026")
    gateway.journal_answers = [JournalEntryResult(document=key, duplicate=True)]
    assert post(uow, clock, gateway, journal).sap_id == str(key)


@pytest.mark.parametrize(("journal", "before"), JOURNALS)
def test_duplicate_without_a_document_number_is_looked_up(uow, clock, journal: JournalRequest, before):
    gateway = ready_to_post(uow, clock, before)
    key = SapDocumentKey("1010", "0100000009", "2026")
    gateway.documents = [SapJournalEntry(key, document_reference_for(journal.object_id), journal.amount)]
    gateway.journal_answers = [JournalEntryResult(duplicate=True)]
    assert post(uow, clock, gateway, journal).sap_id == str(key)


def test_resync_reopens_and_requeues(uow, clock):
    gateway = ScriptedGateway()
    gateway.partner_answers = [BusinessPartnerResult(failure=DOWN)]
    with pytest.raises(RetryLater):
        sync_partner(uow, clock, gateway, attempt=Attempt(5, 5))
    record = use_cases.sync_resync(uow=uow, kind=SyncKind.BUSINESS_PARTNER, object_id=DISTRIBUTOR, clock=clock)
    assert record.status is SyncStatus.PENDING
    assert uow.outbox.messages[-1][0] == use_cases.BUSINESS_PARTNER_TOPIC
    with pytest.raises(NotFound):
        use_cases.sync_resync(uow=uow, kind=SyncKind.JOURNAL_ENTRY, object_id="nope", clock=clock)


@pytest.mark.parametrize(("journal", "before"), JOURNALS)
def test_resync_of_a_posted_journal_document_is_a_conflict(uow, clock, journal: JournalRequest, before):
    gateway = ready_to_post(uow, clock, before)
    post(uow, clock, gateway, journal)
    with pytest.raises(Conflict) as caught:
        use_cases.sync_resync(uow=uow, kind=journal.kind, object_id=journal.object_id, clock=clock)
    assert caught.value.code == "already_synced"


def test_reconcile_lists_every_kind_of_difference(uow, clock):
    gateway = ScriptedGateway()
    sync_partner(uow, clock, gateway)
    post(uow, clock, gateway, entry(PAYMENT))  # matched
    for payment, amount in (("p2", "10.00"), ("p3", "20.00")):
        post(uow, clock, gateway, entry(payment, amount=amount, posted_on=date(2026, 4, 2)))
    # p2: SAP holds another amount; p3: SAP lost it; plus one document nobody recorded; p4 still pending.
    gateway.documents[1] = SapJournalEntry(gateway.documents[1].key, gateway.documents[1].reference, Money(999, "INR"))
    del gateway.documents[2]
    gateway.documents.append(SapJournalEntry(SapDocumentKey("1010", "0100000099", "2026"), "PPX", Money(5, "INR")))
    request(uow, clock, entry("p4", amount="1.00", posted_on=date(2026, 4, 3)))
    seen: list[tuple[int, int]] = []
    report = use_cases.erp_reconcile(
        sync_records=uow.sync_records, gateway=gateway, settings=SETTINGS, progress=lambda d, t: seen.append((d, t))
    )
    assert (report.records, report.sap_documents, report.matched) == (4, 3, 1)
    kinds = {(d.kind, d.payment_id or d.sap_document) for d in report.differences}
    assert kinds == {
        ("amount_mismatch", "p2"),
        ("missing_in_sap", "p3"),
        ("unknown_in_ours", "1010/0100000099/2026"),
        ("not_synced", "p4"),
    }
    assert seen[-1] == (3, 3)
