"""ERP wiring: the SAP gateway (real SAP, or the simulator at ``SAP_BASE_URL``), sync records, handlers.

With neither (a live deployment without ``SAP_BASE_URL``) no gateway is wired: sync records wait as
``pending`` with ``last_error`` saying SAP is not configured, and are never ``synced``.

Outbox topics handled here:
- ``erp.business_partner.upsert`` ``{"distributor_id"}`` — written when a distributor is approved
  (and when an active distributor's SAP-relevant data changes, or on an admin resync);
- ``erp.journal_entry.post`` ``{"payment_id", "distributor_id", "amount_minor", "currency",
  "posted_on"}`` — written by the payments context when a distributor payment is confirmed
  (``request_journal_entry`` below writes it together with the pending sync record);
- ``erp.journal_reversal.post`` ``{"refund_id", "payment_id", "distributor_id", "amount_minor",
  "currency", "posted_on"}`` — written when a refund of a distributor payment succeeded
  (``request_journal_reversal`` below; subscriber in ``bootstrap/distributor_payments.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from adapters.django_orm.distributors.repositories import DjangoDistributorRepository
from adapters.django_orm.erp.repositories import DjangoSyncRecordRepository
from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.gateways.sap import SapConfig, SapGateway
from application.erp import use_cases
from application.erp.ports import ErpGateway, JournalEntrySettings, SyncFilter
from application.shared.errors import InvalidInput, Unavailable
from application.shared.outbox import Attempt, RetryLater
from application.shared.pagination import Page, PageRequest
from application.shared.ports import Outbox
from domain.erp.business_partner import BusinessPartnerData, PartnerAddress, business_partner_reference
from domain.erp.sync import SyncKind, SyncRecord
from domain.shared.money import Money
from entrypoints.bootstrap import Container, container, deployment, setting

GATEWAY = "erp.gateway"

sync_records = DjangoSyncRecordRepository()
_distributors = DjangoDistributorRepository()


def sap_config() -> SapConfig:
    return SapConfig(
        base_url=str(setting("SAP_BASE_URL")),
        username=str(setting("SAP_USERNAME", "")),
        password=str(setting("SAP_PASSWORD", "")),
        company_code=str(setting("SAP_COMPANY_CODE", "1010")),
        bank_gl_account=str(setting("SAP_BANK_GL_ACCOUNT", "11001000")),
        tax_type_gstin=str(setting("SAP_TAX_TYPE_GSTIN", "IN3")),
        tax_type_pan=str(setting("SAP_TAX_TYPE_PAN", "IN2")),
        connect_timeout=float(setting("SAP_CONNECT_TIMEOUT_SECONDS", 5.0)),
        timeout=float(setting("SAP_TIMEOUT_SECONDS", 30.0)),
    )


def build_gateway(*, transport: httpx.BaseTransport | None = None, config: SapConfig | None = None) -> SapGateway:
    return SapGateway(config or sap_config(), transport=transport)


def journal_settings() -> JournalEntrySettings:
    return JournalEntrySettings(
        company_code=str(setting("SAP_COMPANY_CODE", "1010")),
        bank_gl_account=str(setting("SAP_BANK_GL_ACCOUNT", "11001000")),
        document_type=str(setting("SAP_JOURNAL_DOCUMENT_TYPE", "DZ")),
    )


def _configured(built: Container, kind: SyncKind, object_id: str, payload: dict[str, Any] | None) -> ErpGateway | None:
    """The SAP gateway; without one (no SAP in this deployment) the record waits as not configured."""
    sap = gateway(built)
    if sap is None:
        use_cases.sync_not_configured(
            uow=built.uow(sync_records=sync_records),
            kind=kind,
            object_id=object_id,
            clock=built.clock,
            payload=dict(payload) if payload is not None else None,
        )
    return sap


def gateway(built: Container | None = None) -> ErpGateway | None:
    """Looked up per call, so tests can install another gateway in the container; None: SAP not configured."""
    found: ErpGateway | None = (built or container()).extras.get(GATEWAY)
    if found is None:
        return None
    guarded: ErpGateway = OutsideTransactions(found, name="sap_gateway")  # SAP is never called inside a transaction
    return guarded


def livemode() -> bool:
    """False while the gateway is the SAP simulator: what it syncs is not in any real ERP."""
    return deployment.erp_livemode()


class DistributorPartners:
    """The distributors context seen as SAP business partners (mapped here, in the composition root)."""

    def business_partner_data(self, distributor_id: str) -> BusinessPartnerData | None:
        distributor = _distributors.get(distributor_id)
        if distributor is None:
            return None
        details = distributor.details
        address = details.billing_address
        return BusinessPartnerData(
            reference=business_partner_reference(distributor.id),
            legal_name=details.legal_name,
            trade_name=details.trade_name,
            gstin=details.gstin,
            pan=details.pan,
            address=PartnerAddress(
                street=address.line1,
                street2=address.line2,
                city=address.city,
                region="",  # SAP's Indian region keys are system configuration; the state stays in our record
                postal_code=address.postal_code,
                country=address.country,
            ),
            email=details.email,
            phone=details.phone,
        )


partners = DistributorPartners()


class ErpSyncRequester:
    """The distributors context's ``ErpSyncRequests`` port: the sync record and message join its transaction."""

    def business_partner_sync_requested(self, *, distributor_id: str, outbox: Outbox) -> None:
        use_cases.business_partner_sync_request(
            sync_records=sync_records, outbox=outbox, distributor_id=distributor_id, clock=container().clock
        )


def wire(built: Container) -> None:
    if setting("SAP_CONFIGURED", True):
        built.extras[GATEWAY] = build_gateway()
    budget = int(setting("SAP_SYNC_MAX_ATTEMPTS", 15))

    def upsert_business_partner(payload: dict[str, Any], *, attempt: Attempt) -> None:
        sap = _configured(built, SyncKind.BUSINESS_PARTNER, str(payload["distributor_id"]), None)
        if sap is None:
            return
        use_cases.business_partner_sync(
            uow=built.uow(sync_records=sync_records),
            gateway=sap,
            partners=partners,
            distributor_id=str(payload["distributor_id"]),
            clock=built.clock,
            attempt=attempt,
            livemode=livemode(),
        )

    def post_journal_entry(payload: dict[str, Any], *, attempt: Attempt) -> None:
        try:
            request = use_cases.JournalEntryRequest.from_payload(payload)
        except InvalidInput as exc:
            raise RetryLater(exc.message, give_up=True) from None
        sap = _configured(built, SyncKind.JOURNAL_ENTRY, request.payment_id, payload)
        if sap is None:
            return
        use_cases.journal_entry_post(
            uow=built.uow(sync_records=sync_records),
            gateway=sap,
            payment_id=request.payment_id,
            distributor_id=request.distributor_id,
            amount=request.amount,
            posted_on=request.posted_on,
            settings=journal_settings(),
            clock=built.clock,
            attempt=attempt,
            livemode=livemode(),
        )

    def post_journal_reversal(payload: dict[str, Any], *, attempt: Attempt) -> None:
        try:
            request = use_cases.JournalReversalRequest.from_payload(payload)
        except InvalidInput as exc:
            raise RetryLater(exc.message, give_up=True) from None
        sap = _configured(built, SyncKind.JOURNAL_REVERSAL, request.refund_id, payload)
        if sap is None:
            return
        use_cases.journal_reversal_post(
            uow=built.uow(sync_records=sync_records),
            gateway=sap,
            refund_id=request.refund_id,
            payment_id=request.payment_id,
            distributor_id=request.distributor_id,
            amount=request.amount,
            posted_on=request.posted_on,
            settings=journal_settings(),
            clock=built.clock,
            attempt=attempt,
            livemode=livemode(),
        )

    built.subscriptions.subscribe(use_cases.BUSINESS_PARTNER_TOPIC, upsert_business_partner, max_attempts=budget)
    built.subscriptions.subscribe(use_cases.JOURNAL_ENTRY_TOPIC, post_journal_entry, max_attempts=budget)
    built.subscriptions.subscribe(use_cases.JOURNAL_REVERSAL_TOPIC, post_journal_reversal, max_attempts=budget)


# ---------------------------------------------------------------------------------------------
# For the payments context
# ---------------------------------------------------------------------------------------------


def request_journal_entry(
    outbox: Outbox, *, payment_id: str, distributor_id: str, amount: Money, posted_on: date
) -> SyncRecord:
    """Call inside the unit of work that confirms the payment: a pending record plus its outbox message."""
    return use_cases.journal_entry_request(
        sync_records=sync_records,
        outbox=outbox,
        payment_id=payment_id,
        distributor_id=distributor_id,
        amount=amount,
        posted_on=posted_on,
        clock=container().clock,
    )


def request_journal_reversal(
    outbox: Outbox, *, refund_id: str, payment_id: str, distributor_id: str, amount: Money, posted_on: date
) -> SyncRecord:
    """Call inside a unit of work when a distributor payment's refund succeeded: the reversal's record and message."""
    return use_cases.journal_reversal_request(
        sync_records=sync_records,
        outbox=outbox,
        refund_id=refund_id,
        payment_id=payment_id,
        distributor_id=distributor_id,
        amount=amount,
        posted_on=posted_on,
        clock=container().clock,
    )


def sync_state(kind: SyncKind, object_ids: list[str]) -> dict[str, SyncRecord]:
    """Sync records by object id (e.g. payments' journal entries), for showing sync_status/sap_id/last_error."""
    return sync_records.for_objects(kind, object_ids) if object_ids else {}


def business_partner_id(distributor_id: str) -> str | None:
    record = sync_records.get(SyncKind.BUSINESS_PARTNER, distributor_id)
    return record.sap_id or None if record is not None else None


# ---------------------------------------------------------------------------------------------
# Admin API and commands
# ---------------------------------------------------------------------------------------------


def list_sync(filters: SyncFilter, page: PageRequest) -> Page[SyncRecord]:
    return use_cases.sync_records_list(sync_records=sync_records, filters=filters, page=page)


def resync(kind: SyncKind, object_id: str) -> SyncRecord:
    built = container()
    return use_cases.sync_resync(
        uow=built.uow(sync_records=sync_records), kind=kind, object_id=object_id, clock=built.clock
    )


def reconcile(
    *, posted_from: date | None = None, progress: Callable[[int, int], None] | None = None
) -> use_cases.ReconcileReport:
    sap = gateway()
    if sap is None:
        raise Unavailable("No SAP system is configured in this deployment (SAP_BASE_URL)", code="erp_not_configured")
    return use_cases.erp_reconcile(
        sync_records=sync_records,
        gateway=sap,
        settings=journal_settings(),
        posted_from=posted_from,
        progress=progress,
    )
