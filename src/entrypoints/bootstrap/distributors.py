"""Distributors wiring: repositories, and the bridges to identity (users), ERP (syncs) and payments."""

from __future__ import annotations

from adapters.bridges.erp_sync import ErpSyncReader, ErpSyncRequester
from adapters.bridges.identity_users import IdentityUsers
from adapters.django_orm.distributors.repositories import DjangoDistributorRepository, DjangoStatusHistory
from adapters.django_orm.identity.repositories import DjangoUserRepository
from application.distributors.ports import Payments
from application.distributors.services import DistributorsServices
from application.erp.services import ErpServices
from entrypoints import deployment
from entrypoints.bootstrap.platform import Platform


def build(built: Platform, *, erp: ErpServices, payments: Payments) -> DistributorsServices:
    distributors, history = DjangoDistributorRepository(), DjangoStatusHistory()
    return DistributorsServices(
        uow=built.uow_factory(distributors=distributors, history=history),
        distributors=distributors,
        history=history,
        users=IdentityUsers(DjangoUserRepository()),
        erp_requests=ErpSyncRequester(erp),
        erp_states=ErpSyncReader(erp),
        payments=payments,
        events=built.event_log,
        clock=built.clock,
        live_deployment=deployment.is_live(),
    )
