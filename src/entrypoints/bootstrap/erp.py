"""ERP wiring: the SAP gateway (real SAP, or the simulator at ``SAP_BASE_URL``), sync records, settings.

With neither (a live deployment without ``SAP_BASE_URL``, ``SAP_CONFIGURED`` false) no gateway is
wired: sync records wait as ``pending`` with ``last_error`` saying SAP is not configured.
"""

from __future__ import annotations

import httpx

from adapters.bridges.distributor_partners import DistributorPartners
from adapters.django_orm.distributors.repositories import DjangoDistributorRepository
from adapters.django_orm.erp.repositories import DjangoSyncRecordRepository
from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.gateways.sap import SapConfig, SapGateway
from application.erp.ports import ErpGateway, JournalEntrySettings
from application.erp.services import ErpServices
from entrypoints import deployment
from entrypoints.bootstrap.platform import Platform, setting


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


def build_gateway(*, transport: httpx.BaseTransport | None = None, config: SapConfig | None = None) -> ErpGateway:
    """The SAP adapter behind the guard: SAP is never called inside a database transaction."""
    guarded: ErpGateway = OutsideTransactions(
        SapGateway(config or sap_config(), transport=transport), name="sap_gateway"
    )
    return guarded


def journal_settings() -> JournalEntrySettings:
    return JournalEntrySettings(
        company_code=str(setting("SAP_COMPANY_CODE", "1010")),
        bank_gl_account=str(setting("SAP_BANK_GL_ACCOUNT", "11001000")),
        document_type=str(setting("SAP_JOURNAL_DOCUMENT_TYPE", "DZ")),
    )


def build(built: Platform) -> ErpServices:
    sync_records = DjangoSyncRecordRepository()

    return ErpServices(
        uow=built.uow_factory(sync_records=sync_records),
        sync_records=sync_records,
        gateway=build_gateway() if setting("SAP_CONFIGURED", True) else None,
        partners=DistributorPartners(DjangoDistributorRepository()),
        journal_settings=journal_settings(),
        clock=built.clock,
        livemode=deployment.erp_livemode(),
        max_attempts=int(setting("SAP_SYNC_MAX_ATTEMPTS", 15)),
    )
