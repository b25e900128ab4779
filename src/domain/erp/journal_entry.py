"""A journal entry for a confirmed distributor payment, as SAP's journal entry service takes it.

Two lines: the bank GL account is debited (``S``) and the distributor's customer account is
credited (``H``) with the same amount, so the document balances. The message id is derived from
our payment id and is unique per payment: SAP refuses a second message with the same id, which
makes posting idempotent across retries.

A refund of a distributor payment posts a **reversal**: the same two accounts with debit and
credit swapped (the customer debited ``S``, the bank credited ``H``) for the refund's amount. Its
message id and document reference derive from the refund id (one reversal per refund), and its
header names the original entry: ``Reference1InDocumentHeader`` = the payment's document reference,
``Reference2InDocumentHeader`` = the original SAP document key when it is known.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date

from domain.shared.errors import InvalidValue
from domain.shared.money import Money

MESSAGE_ID_MAX_LENGTH = 35
HEADER_REFERENCE_MAX_LENGTH = 20  # Reference1InDocumentHeader / Reference2InDocumentHeader
REFERENCE_LENGTH = 16
REFERENCE_PREFIX = "PP"
DEBIT = "S"
CREDIT = "H"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")


def message_id_for(payment_id: str) -> str:
    """SAP's MessageHeader/ID (at most 35 characters): the id itself, a UUID without hyphens, or a digest."""
    compact = payment_id.replace("-", "") if len(payment_id) == 36 else payment_id
    if 0 < len(compact) <= MESSAGE_ID_MAX_LENGTH and _SAFE_ID.match(compact):
        return compact
    return hashlib.sha256(payment_id.encode()).hexdigest()[:MESSAGE_ID_MAX_LENGTH]


def document_reference_for(payment_id: str) -> str:
    """SAP's DocumentReferenceID (16 characters): how our documents are recognised on the SAP side."""
    digest = hashlib.sha256(payment_id.encode()).hexdigest().upper()
    return f"{REFERENCE_PREFIX}{digest[: REFERENCE_LENGTH - len(REFERENCE_PREFIX)]}"


@dataclass(frozen=True, slots=True)
class SapDocumentKey:
    """SAP's key of an accounting document; shown and stored as ``company/document/fiscal year``."""

    company_code: str
    accounting_document: str
    fiscal_year: str

    def __str__(self) -> str:
        return f"{self.company_code}/{self.accounting_document}/{self.fiscal_year}"

    @classmethod
    def parse(cls, value: str) -> SapDocumentKey | None:
        parts = value.split("/")
        if len(parts) != 3 or not all(parts):
            return None
        return cls(parts[0], parts[1], parts[2])


@dataclass(frozen=True, slots=True)
class JournalEntryLine:
    item: int
    account: str
    amount: Money
    debit_credit: str
    is_debtor: bool = False

    @property
    def signed_amount(self) -> Money:
        return self.amount if self.debit_credit == DEBIT else Money(-self.amount.minor, self.amount.currency)


@dataclass(frozen=True, slots=True)
class JournalEntryDocument:
    message_id: str
    reference: str
    payment_id: str
    company_code: str
    document_type: str
    document_date: date
    posting_date: date
    amount: Money
    bank_gl_account: str
    debtor: str
    header_text: str
    # A reversal (a refund): debit and credit swapped; ``payment_id`` is then the refund id.
    reversal: bool = False
    original_reference: str = ""  # the reversed entry's DocumentReferenceID
    original_document: str = ""  # the reversed entry's SAP key (company/document/year), when known

    @classmethod
    def for_payment(
        cls,
        *,
        payment_id: str,
        debtor: str,
        amount: Money,
        posted_on: date,
        company_code: str,
        bank_gl_account: str,
        document_type: str,
    ) -> JournalEntryDocument:
        if not amount.is_positive():
            raise InvalidValue("A journal entry needs a positive amount", code="invalid_amount", field="amount")
        for name, value in (
            ("debtor", debtor),
            ("company_code", company_code),
            ("bank_gl_account", bank_gl_account),
            ("document_type", document_type),
        ):
            if not value:
                raise InvalidValue(f"{name} is required for a journal entry", code="invalid_value", field=name)
        return cls(
            message_id=message_id_for(payment_id),
            reference=document_reference_for(payment_id),
            payment_id=payment_id,
            company_code=company_code,
            document_type=document_type,
            document_date=posted_on,
            posting_date=posted_on,
            amount=amount,
            bank_gl_account=bank_gl_account,
            debtor=debtor,
            header_text=f"Partnerpay payment {payment_id}"[:25],
        )

    @classmethod
    def for_refund(
        cls,
        *,
        refund_id: str,
        payment_id: str,
        debtor: str,
        amount: Money,
        posted_on: date,
        company_code: str,
        bank_gl_account: str,
        document_type: str,
        original_document: str = "",
    ) -> JournalEntryDocument:
        """The reversal of (part of) a payment's entry: the refund id keys it, the payment's entry is named."""
        entry = cls.for_payment(
            payment_id=refund_id,
            debtor=debtor,
            amount=amount,
            posted_on=posted_on,
            company_code=company_code,
            bank_gl_account=bank_gl_account,
            document_type=document_type,
        )
        original = original_document if len(original_document) <= HEADER_REFERENCE_MAX_LENGTH else ""
        return replace(
            entry,
            header_text=f"Partnerpay refund {refund_id}"[:25],
            reversal=True,
            original_reference=document_reference_for(payment_id),
            original_document=original,
        )

    @property
    def lines(self) -> tuple[JournalEntryLine, JournalEntryLine]:
        bank, customer = (CREDIT, DEBIT) if self.reversal else (DEBIT, CREDIT)
        return (
            JournalEntryLine(1, self.bank_gl_account, self.amount, bank),
            JournalEntryLine(2, self.debtor, self.amount, customer, is_debtor=True),
        )

    @property
    def is_balanced(self) -> bool:
        return sum(line.signed_amount.minor for line in self.lines) == 0
