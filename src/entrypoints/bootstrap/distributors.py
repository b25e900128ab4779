"""Distributors wiring: repositories, the user directory, and the ERP sync request port."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.django_orm.distributors.repositories import DjangoDistributorRepository, DjangoStatusHistory
from application.distributors import use_cases
from application.distributors.ports import DistributorFilter
from application.shared.pagination import Page, PageRequest
from domain.distributors.distributor import Distributor, StatusChange
from domain.erp.sync import SyncKind, SyncRecord
from domain.identity.user import Principal, Role
from entrypoints.bootstrap import Container, container, erp

distributors = DjangoDistributorRepository()
history = DjangoStatusHistory()
erp_requests = erp.ErpSyncRequester()


class IdentityUsers:
    def role_of(self, user_id: str) -> Role | None:
        user = container().identity.users.get(user_id)
        return user.role if user is not None else None


users = IdentityUsers()


def wire(built: Container) -> None:
    """Distributors have no outbox handlers of their own; the SAP sync is the ERP context's."""


@dataclass(frozen=True, slots=True)
class DistributorView:
    """A distributor with where its business partner stands in SAP (None until first approved)."""

    distributor: Distributor
    sync: SyncRecord | None


def _uow() -> Any:
    return container().uow(distributors=distributors, history=history)


def _view(distributor: Distributor) -> DistributorView:
    return DistributorView(distributor, erp.sync_state(SyncKind.BUSINESS_PARTNER, [distributor.id]).get(distributor.id))


def onboard(principal: Principal, values: Mapping[str, object], *, user_id: str | None) -> DistributorView:
    distributor = use_cases.distributor_onboard(
        uow=_uow(),
        principal=principal,
        command=use_cases.OnboardDistributor(values=values, user_id=user_id),
        users=users,
        clock=container().clock,
    )
    return DistributorView(distributor, None)


def get(principal: Principal, distributor_id: str) -> DistributorView:
    return _view(
        use_cases.distributor_get(distributors=distributors, principal=principal, distributor_id=distributor_id)
    )


def list_distributors(principal: Principal, filters: DistributorFilter, page: PageRequest) -> Page[DistributorView]:
    found = use_cases.distributors_list(distributors=distributors, principal=principal, filters=filters, page=page)
    syncs = erp.sync_state(SyncKind.BUSINESS_PARTNER, [d.id for d in found.items])
    return Page(items=[DistributorView(d, syncs.get(d.id)) for d in found.items], next_cursor=found.next_cursor)


def update(principal: Principal, distributor_id: str, changes: Mapping[str, object]) -> DistributorView:
    distributor = use_cases.distributor_update(
        uow=_uow(),
        principal=principal,
        distributor_id=distributor_id,
        changes=changes,
        erp=erp_requests,
        clock=container().clock,
    )
    return _view(distributor)


def approve(principal: Principal, distributor_id: str, *, reason: str = "") -> DistributorView:
    distributor = use_cases.distributor_approve(
        uow=_uow(),
        principal=principal,
        distributor_id=distributor_id,
        reason=reason,
        erp=erp_requests,
        clock=container().clock,
    )
    return _view(distributor)


def suspend(principal: Principal, distributor_id: str, *, reason: str = "") -> DistributorView:
    distributor = use_cases.distributor_suspend(
        uow=_uow(), principal=principal, distributor_id=distributor_id, reason=reason, clock=container().clock
    )
    return _view(distributor)


def reactivate(principal: Principal, distributor_id: str, *, reason: str = "") -> DistributorView:
    distributor = use_cases.distributor_reactivate(
        uow=_uow(), principal=principal, distributor_id=distributor_id, reason=reason, clock=container().clock
    )
    return _view(distributor)


def history_of(principal: Principal, distributor_id: str) -> list[StatusChange]:
    return use_cases.distributor_history(
        distributors=distributors, history=history, principal=principal, distributor_id=distributor_id
    )


def distributor_for_payment(distributor_id: str, principal: Principal) -> tuple[str, str | None, str | None]:
    """For the payments context: (distributor id, its login's user id, SAP business partner id or None).

    Admins may name any distributor; a distributor only itself; anyone else gets NotFound (404).
    The status is not checked here: whether a pending or suspended distributor may pay is the
    caller's rule (``get`` returns the status).
    """
    found = use_cases.distributor_for_payment(
        distributors=distributors, principal=principal, distributor_id=distributor_id
    )
    return found.id, found.user_id, erp.business_partner_id(found.id)
