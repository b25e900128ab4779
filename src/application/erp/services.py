"""ERP's use cases bound to their adapters: what routers, commands, handlers and other contexts call.

The composition root builds one ``ErpServices`` with the Django repository and the SAP adapter;
tests build it with fakes, or replace ``gateway`` (``container().erp.gateway = ...``).
Each method keeps its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from application.erp import use_cases
from application.erp.journal import JournalRequest
from application.erp.ports import (
    BusinessPartnerSource,
    ErpGateway,
    ErpUnitOfWork,
    JournalEntrySettings,
    SyncFilter,
    SyncRecordRepository,
)
from application.shared.errors import Unavailable
from application.shared.outbox import Attempt
from application.shared.pagination import Page, PageRequest
from application.shared.ports import Outbox
from domain.erp.sync import SyncKind, SyncRecord
from domain.shared.clock import Clock
from domain.shared.money import Money


@dataclass(slots=True)
class ErpServices:
    uow: Callable[[], ErpUnitOfWork]
    sync_records: SyncRecordRepository
    # None: no SAP in this deployment (a live one without SAP_BASE_URL); syncs wait as not configured.
    gateway: ErpGateway | None
    partners: BusinessPartnerSource
    journal_settings: JournalEntrySettings
    clock: Clock
    # False while the gateway is the SAP simulator: what it syncs is not in any real ERP.
    livemode: bool
    # The outbox's attempt budget of every sync topic: the last attempt marks the record failed.
    max_attempts: int

    def _sap(self) -> ErpGateway:
        if self.gateway is None:
            raise Unavailable(
                "No SAP system is configured in this deployment (SAP_BASE_URL)", code="erp_not_configured"
            )
        return self.gateway

    # Requests, inside the caller's unit of work (its outbox): the sync commits with the caller's change.

    def business_partner_sync_request(self, *, outbox: Outbox, distributor_id: str) -> SyncRecord:
        return use_cases.business_partner_sync_request(
            sync_records=self.sync_records, outbox=outbox, distributor_id=distributor_id, clock=self.clock
        )

    def journal_request(self, *, outbox: Outbox, request: JournalRequest) -> SyncRecord:
        return use_cases.journal_request(
            sync_records=self.sync_records, outbox=outbox, request=request, clock=self.clock
        )

    # What the distributors context asks for (adapters/bridges/erp_sync.py): a payment's entry, a refund's reversal.

    def journal_entry_request(
        self, *, outbox: Outbox, payment_id: str, distributor_id: str, amount: Money, posted_on: date
    ) -> SyncRecord:
        entry = JournalRequest(payment_id=payment_id, distributor_id=distributor_id, amount=amount, posted_on=posted_on)
        return self.journal_request(outbox=outbox, request=entry)

    def journal_reversal_request(
        self, *, outbox: Outbox, refund_id: str, payment_id: str, distributor_id: str, amount: Money, posted_on: date
    ) -> SyncRecord:
        entry = JournalRequest(payment_id=payment_id, distributor_id=distributor_id, amount=amount, posted_on=posted_on)
        return self.journal_request(outbox=outbox, request=replace(entry, refund_id=refund_id))

    # One attempt each, run by the outbox (application/erp/handlers.py).

    def business_partner_sync(self, *, distributor_id: str, attempt: Attempt) -> SyncRecord:
        return use_cases.business_partner_sync(
            uow=self.uow(),
            gateway=self._sap(),
            partners=self.partners,
            distributor_id=distributor_id,
            clock=self.clock,
            attempt=attempt,
            livemode=self.livemode,
        )

    def journal_post(self, *, request: JournalRequest, attempt: Attempt) -> SyncRecord:
        return use_cases.journal_post(
            uow=self.uow(),
            gateway=self._sap(),
            request=request,
            settings=self.journal_settings,
            clock=self.clock,
            attempt=attempt,
            livemode=self.livemode,
        )

    def sync_not_configured(
        self, *, kind: SyncKind, object_id: str, payload: dict[str, Any] | None = None
    ) -> SyncRecord | None:
        return use_cases.sync_not_configured(
            uow=self.uow(), kind=kind, object_id=object_id, clock=self.clock, payload=payload
        )

    # Reads and admin actions.

    def sync_records_find(self, *, kind: SyncKind, object_ids: list[str]) -> dict[str, SyncRecord]:
        return use_cases.sync_records_find(sync_records=self.sync_records, kind=kind, object_ids=object_ids)

    def business_partner_sap_id(self, *, distributor_id: str) -> str | None:
        return use_cases.business_partner_sap_id(sync_records=self.sync_records, distributor_id=distributor_id)

    def sync_records_list(self, *, filters: SyncFilter, page: PageRequest) -> Page[SyncRecord]:
        return use_cases.sync_records_list(sync_records=self.sync_records, filters=filters, page=page)

    def sync_resync(self, *, kind: SyncKind, object_id: str) -> SyncRecord:
        return use_cases.sync_resync(uow=self.uow(), kind=kind, object_id=object_id, clock=self.clock)

    def erp_reconcile(
        self, *, posted_from: date | None = None, progress: use_cases.Progress | None = None
    ) -> use_cases.ReconcileReport:
        return use_cases.erp_reconcile(
            sync_records=self.sync_records,
            gateway=self._sap(),
            settings=self.journal_settings,
            posted_from=posted_from,
            progress=progress,
        )
