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
from adapters.gateways.sap import SapConfig, SapGateway, journal_settings_from_settings
from application.erp.ports import ErpGateway
from application.erp.services import ErpServices
from entrypoints import deployment
from entrypoints.bootstrap.platform import Platform, setting


def build_gateway(*, transport: httpx.BaseTransport | None = None, config: SapConfig | None = None) -> ErpGateway:
    """The SAP adapter behind the guard: SAP is never called inside a database transaction."""
    guarded: ErpGateway = OutsideTransactions(
        SapGateway(config or SapConfig.from_settings(), transport=transport), name="sap_gateway"
    )
    return guarded


def build(built: Platform) -> ErpServices:
    sync_records = DjangoSyncRecordRepository()
    return ErpServices(
        uow=built.uow_factory(sync_records=sync_records),
        sync_records=sync_records,
        gateway=build_gateway() if setting("SAP_CONFIGURED", True) else None,
        partners=DistributorPartners(DjangoDistributorRepository()),
        journal_settings=journal_settings_from_settings(),
        clock=built.clock,
        livemode=deployment.erp_livemode(),
        max_attempts=int(setting("SAP_SYNC_MAX_ATTEMPTS", 15)),
    )
