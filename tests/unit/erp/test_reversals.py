"""Reversal journal entries for refunds of distributor payments, on fakes (issue #13)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from adapters.gateways.sap import soap
from application.erp import use_cases
from application.erp.journal import JournalRequest
from application.shared.outbox import Attempt, RetryLater
from domain.erp.journal_entry import CREDIT, DEBIT, JournalEntryDocument, document_reference_for, message_id_for
from domain.erp.sync import SyncKind, SyncStatus
from domain.shared.money import Money
from tests.unit.erp.fakes import ScriptedGateway
from tests.unit.erp.steps import FIRST, SETTINGS, entry, post, reversal, sync_partner

PAYMENT = str(uuid.UUID("6f1c9a52-3e1b-4d2a-9b7e-0c4f5a6b7c8d"))
REFUND = str(uuid.UUID("0b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b"))


def post_entry(uow, clock, gateway):
    return post(uow, clock, gateway, entry(PAYMENT))


def post_reversal(uow, clock, gateway, *, refund_id=REFUND, amount="500.00", attempt=FIRST):
    return post(uow, clock, gateway, reversal(refund_id, PAYMENT, amount=amount), attempt=attempt)


def test_a_reversal_swaps_debit_and_credit_and_names_the_original_entry():
    document = JournalEntryDocument.for_refund(
        refund_id=REFUND,
        payment_id=PAYMENT,
        debtor="1000001",
        amount=Money.parse("500.00", "INR"),
        posted_on=date(2026, 4, 2),
        company_code="1010",
        bank_gl_account="11001000",
        document_type="DZ",
        original_document="1010/0100000000/2026",
    )
    bank, customer = document.lines
    assert (bank.account, bank.debit_credit, bank.signed_amount.minor) == ("11001000", CREDIT, -50_000)
    assert (customer.account, customer.debit_credit, customer.signed_amount.minor) == ("1000001", DEBIT, 50_000)
    assert document.is_balanced
    # MessageHeader/ID: the refund's UUID without hyphens, 32 <= 35 characters (36 with hyphens would not fit).
    assert len(REFUND) == 36
    assert document.message_id == REFUND.replace("-", "") == message_id_for(REFUND)
    assert len(document.message_id) == 32
    assert document.message_id != message_id_for(PAYMENT)
    assert document.reference == document_reference_for(REFUND)
    assert (document.original_reference, document.original_document) == (
        document_reference_for(PAYMENT),
        "1010/0100000000/2026",
    )
    envelope = soap.request_envelope(document, created_by="PARTNERPAY_COMM", now=datetime(2026, 4, 2, tzinfo=UTC))
    text = envelope.decode()
    assert f"<ID>{REFUND.replace('-', '')}</ID>" in text
    assert f"<Reference1InDocumentHeader>{document_reference_for(PAYMENT)}</Reference1InDocumentHeader>" in text
    assert "<Reference2InDocumentHeader>1010/0100000000/2026</Reference2InDocumentHeader>" in text
    assert '<AmountInTransactionCurrency currencyCode="INR">-500.00</AmountInTransactionCurrency>' in text
    # A payment's own entry carries no reversal references.
    entry = JournalEntryDocument.for_payment(
        payment_id=PAYMENT,
        debtor="1000001",
        amount=Money.parse("1500.00", "INR"),
        posted_on=date(2026, 4, 1),
        company_code="1010",
        bank_gl_account="11001000",
        document_type="DZ",
    )
    assert [line.debit_credit for line in entry.lines] == [DEBIT, CREDIT]
    assert b"Reference1InDocumentHeader" not in soap.request_envelope(
        entry, created_by="X", now=datetime(2026, 4, 1, tzinfo=UTC)
    )


def test_a_reversal_waits_for_the_payments_entry(uow, clock):
    gateway = ScriptedGateway()
    sync_partner(uow, clock, gateway)
    with pytest.raises(RetryLater) as waiting:
        post_reversal(uow, clock, gateway)
    assert not waiting.value.give_up
    assert "journal entry is not in SAP yet" in str(waiting.value)
    assert gateway.journal_calls == []
    assert uow.sync_records.get(SyncKind.JOURNAL_REVERSAL, REFUND).status is SyncStatus.PENDING
    payment_entry = post_entry(uow, clock, gateway)
    record = post_reversal(uow, clock, gateway)
    assert record.status is SyncStatus.SYNCED
    assert record.sap_id == "1010/0100000001/2026"
    posted = gateway.journal_calls[-1]
    assert posted.reversal
    assert posted.amount == Money.parse("500.00", "INR")
    assert posted.original_document == payment_entry.sap_id
    assert posted.debtor == "1000001"


def test_a_reversal_left_without_its_entry_fails_on_the_last_attempt_and_resync_requeues_it(uow, clock):
    gateway = ScriptedGateway()
    sync_partner(uow, clock, gateway)
    with pytest.raises(RetryLater) as final:
        post_reversal(uow, clock, gateway, attempt=Attempt(5, 5))
    assert final.value.give_up
    assert uow.sync_records.get(SyncKind.JOURNAL_REVERSAL, REFUND).status is SyncStatus.FAILED
    use_cases.sync_resync(uow=uow, kind=SyncKind.JOURNAL_REVERSAL, object_id=REFUND, clock=clock)
    assert uow.sync_records.get(SyncKind.JOURNAL_REVERSAL, REFUND).status is SyncStatus.PENDING
    topic, payload, _ = uow.outbox.messages[-1]
    assert topic == use_cases.JOURNAL_REVERSAL_TOPIC
    assert JournalRequest.from_payload(payload, kind=SyncKind.JOURNAL_REVERSAL).refund_id == REFUND


def test_reconcile_matches_reversals_as_credits_and_nets_them(uow, clock):
    gateway = ScriptedGateway()
    sync_partner(uow, clock, gateway)
    post_entry(uow, clock, gateway)
    post_reversal(uow, clock, gateway)
    post_reversal(uow, clock, gateway, refund_id="re-2", amount="200.00")
    report = use_cases.erp_reconcile(sync_records=uow.sync_records, gateway=gateway, settings=SETTINGS)
    assert (report.records, report.reversals, report.sap_documents, report.matched) == (3, 2, 3, 3)
    assert report.differences == []
    assert report.net_ours == report.net_sap == {"INR": 150_000 - 50_000 - 20_000}
    # SAP booked one reversal the wrong way round: reported, with SAP's sign.
    wrong = gateway.documents[2]
    gateway.documents[2] = type(wrong)(wrong.key, wrong.reference, wrong.amount, wrong.posting_date, credit=False)
    report = use_cases.erp_reconcile(sync_records=uow.sync_records, gateway=gateway, settings=SETTINGS)
    assert [(d.kind, d.payment_id, d.ours, d.sap, d.detail) for d in report.differences] == [
        ("amount_mismatch", "re-2", "-200.00 INR", "200.00 INR", "debit and credit differ")
    ]
    assert report.net_sap == {"INR": 150_000 - 50_000 + 20_000}
