"""What one journal posting is about: a distributor payment's entry in SAP, or a refund's reversal of it.

One value for both, so requesting, posting and resyncing them is one code path. A reversal is the request
with ``refund_id`` set: its sync record is keyed by the refund, it waits for the payment's own entry, and
its SAP document is the entry with debit and credit swapped, naming the entry it reverses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from application.erp.ports import JournalEntrySettings
from application.shared.errors import InvalidInput
from domain.erp.journal_entry import JournalEntryDocument
from domain.erp.sync import SyncKind
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

JOURNAL_ENTRY_TOPIC = "erp.journal_entry.post"
JOURNAL_REVERSAL_TOPIC = "erp.journal_reversal.post"
JOURNAL_TOPICS = {SyncKind.JOURNAL_ENTRY: JOURNAL_ENTRY_TOPIC, SyncKind.JOURNAL_REVERSAL: JOURNAL_REVERSAL_TOPIC}


@dataclass(frozen=True, slots=True)
class JournalRequest:
    payment_id: str
    distributor_id: str
    amount: Money
    posted_on: date
    # None: the payment's own entry; set: the reversal of (part of) it for this refund, one per refund.
    refund_id: str | None = None

    @property
    def kind(self) -> SyncKind:
        return SyncKind.JOURNAL_ENTRY if self.refund_id is None else SyncKind.JOURNAL_REVERSAL

    @property
    def object_id(self) -> str:
        """What its sync record is keyed by: the payment, or the refund."""
        return self.payment_id if self.refund_id is None else self.refund_id

    @property
    def topic(self) -> str:
        return JOURNAL_TOPICS[self.kind]

    @property
    def dedupe_key(self) -> str:
        return f"erp:{self.kind.value}:{self.object_id}"

    @property
    def label(self) -> str:
        return "A journal entry" if self.refund_id is None else "A reversal"

    def payload(self) -> dict[str, Any]:
        """Its outbox message and sync record payload (a reversal's names its refund first)."""
        refund = {} if self.refund_id is None else {"refund_id": self.refund_id}
        return refund | {
            "payment_id": self.payment_id,
            "distributor_id": self.distributor_id,
            "amount_minor": self.amount.minor,
            "currency": self.amount.currency,
            "posted_on": self.posted_on.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, kind: SyncKind) -> JournalRequest:
        try:
            return cls(
                refund_id=str(payload["refund_id"]) if kind is SyncKind.JOURNAL_REVERSAL else None,
                payment_id=str(payload["payment_id"]),
                distributor_id=str(payload["distributor_id"]),
                amount=Money(int(payload["amount_minor"]), str(payload["currency"])),
                posted_on=date.fromisoformat(str(payload["posted_on"])),
            )
        except (KeyError, TypeError, ValueError, InvalidValue) as exc:
            name = kind.value.replace("_", " ")
            raise InvalidInput(f"Malformed {name} request: {exc}", code="invalid_payload") from None

    def document(
        self, *, debtor: str, settings: JournalEntrySettings, original_document: str = ""
    ) -> JournalEntryDocument:
        """The SAP document it posts; ``original_document``: the reversed entry's SAP key, for a reversal."""
        build = (
            partial(JournalEntryDocument.for_payment, payment_id=self.payment_id)
            if self.refund_id is None
            else partial(
                JournalEntryDocument.for_refund,
                refund_id=self.refund_id,
                payment_id=self.payment_id,
                original_document=original_document,
            )
        )
        return build(
            debtor=debtor,
            amount=self.amount,
            posted_on=self.posted_on,
            company_code=settings.company_code,
            bank_gl_account=settings.bank_gl_account,
            document_type=settings.document_type,
        )
