"""The ERP context behind the distributors context's ports: sync requests and where syncs stand."""

from __future__ import annotations

from datetime import date

from application.erp.services import ErpServices
from application.shared.ports import Outbox
from domain.erp.sync import SyncKind, SyncRecord
from domain.shared.money import Money


class ErpSyncRequester:
    """Distributors' ``ErpSyncRequests``: the sync record and its message join the caller's transaction."""

    def __init__(self, erp: ErpServices) -> None:
        self._erp = erp

    def business_partner_sync_requested(self, *, distributor_id: str, outbox: Outbox) -> None:
        self._erp.business_partner_sync_request(outbox=outbox, distributor_id=distributor_id)

    def journal_entry_requested(
        self, *, outbox: Outbox, payment_id: str, distributor_id: str, amount: Money, posted_on: date
    ) -> None:
        self._erp.journal_entry_request(
            outbox=outbox, payment_id=payment_id, distributor_id=distributor_id, amount=amount, posted_on=posted_on
        )

    def journal_reversal_requested(
        self, *, outbox: Outbox, refund_id: str, payment_id: str, distributor_id: str, amount: Money, posted_on: date
    ) -> None:
        self._erp.journal_reversal_request(
            outbox=outbox,
            refund_id=refund_id,
            payment_id=payment_id,
            distributor_id=distributor_id,
            amount=amount,
            posted_on=posted_on,
        )


class ErpSyncReader:
    """Distributors' ``ErpSyncStates``: the ERP context's sync records of distributors and their payments."""

    def __init__(self, erp: ErpServices) -> None:
        self._erp = erp

    def business_partners(self, distributor_ids: list[str]) -> dict[str, SyncRecord]:
        return self._erp.sync_records_find(kind=SyncKind.BUSINESS_PARTNER, object_ids=distributor_ids)

    def business_partner_id(self, distributor_id: str) -> str | None:
        return self._erp.business_partner_sap_id(distributor_id=distributor_id)

    def journal_entries(self, payment_ids: list[str]) -> dict[str, SyncRecord]:
        return self._erp.sync_records_find(kind=SyncKind.JOURNAL_ENTRY, object_ids=payment_ids)
