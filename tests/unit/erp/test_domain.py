"""ERP domain: message ids and references, the balanced journal entry, sync record states."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.erp.business_partner import business_partner_reference
from domain.erp.journal_entry import (
    JournalEntryDocument,
    SapDocumentKey,
    document_reference_for,
    message_id_for,
)
from domain.erp.sync import SyncKind, SyncRecord, SyncStatus, parse_kind
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

PAYMENT = "3f2b8c1e-6a7d-4e5f-9a0b-1c2d3e4f5a6b"


def test_message_id_fits_sap_and_is_stable_per_payment():
    assert message_id_for(PAYMENT) == "3f2b8c1e6a7d4e5f9a0b1c2d3e4f5a6b"
    assert message_id_for("pay_123") == "pay_123"
    long_id = "p" * 80
    assert len(message_id_for(long_id)) == 35
    assert message_id_for(long_id) == message_id_for(long_id) != message_id_for(long_id + "x")
    assert len(message_id_for("with spaces!")) == 35


def test_references_are_short_and_distinct():
    reference = document_reference_for(PAYMENT)
    assert len(reference) == 16
    assert reference.startswith("PP")
    assert reference != document_reference_for(PAYMENT.replace("3", "4"))
    assert business_partner_reference(PAYMENT) == "PPD3F2B8C1E6A7D"
    with pytest.raises(InvalidValue):
        business_partner_reference("not-a-uuid")


def test_journal_entry_debits_the_bank_and_credits_the_customer():
    document = JournalEntryDocument.for_payment(
        payment_id=PAYMENT,
        debtor="1000001",
        amount=Money.parse("1500.50", "INR"),
        posted_on=date(2026, 4, 1),
        company_code="1010",
        bank_gl_account="11001000",
        document_type="DZ",
    )
    bank, customer = document.lines
    assert (bank.account, bank.debit_credit, bank.signed_amount.minor) == ("11001000", "S", 150050)
    assert (customer.account, customer.debit_credit, customer.signed_amount.minor, customer.is_debtor) == (
        "1000001",
        "H",
        -150050,
        True,
    )
    assert document.is_balanced
    assert len(document.header_text) <= 25


@pytest.mark.parametrize(("amount", "debtor"), [("0", "1000001"), ("10.00", "")])
def test_journal_entry_refuses_nonsense(amount, debtor):
    with pytest.raises(InvalidValue):
        JournalEntryDocument.for_payment(
            payment_id=PAYMENT,
            debtor=debtor,
            amount=Money.parse(amount, "INR"),
            posted_on=date(2026, 4, 1),
            company_code="1010",
            bank_gl_account="11001000",
            document_type="DZ",
        )


def test_document_key_round_trips():
    key = SapDocumentKey("1010", "0100000001", "2026")
    assert SapDocumentKey.parse(str(key)) == key
    assert SapDocumentKey.parse("nonsense") is None


def test_sync_record_pending_while_retrying_failed_on_the_last_attempt():
    now = datetime(2026, 4, 1, tzinfo=UTC)
    record = SyncRecord.requested(kind=SyncKind.BUSINESS_PARTNER, object_id="d1", now=now)
    record.start_attempt(now=now)
    record.attempt_failed(error="SAP unreachable", now=now, final=False)
    assert (record.status, record.last_error, record.attempts) == (SyncStatus.PENDING, "SAP unreachable", 1)
    record.attempt_failed(error="x" * 5000, now=now, final=True)
    assert record.status is SyncStatus.FAILED
    assert len(record.last_error) == 2000
    record.request_again(now=now)
    record.succeeded(sap_id="1000001", now=now)
    assert (record.status, record.last_error, record.sap_id) == (SyncStatus.SYNCED, "", "1000001")
    with pytest.raises(InvalidValue):
        parse_kind("invoice")
