"""Distributor use cases: onboarding, reads, edits, approval workflow, history.

Who may do what:
- an admin onboards, lists, reads, edits and moves any distributor;
- a user with role ``distributor`` applies once for itself (its record is linked to its login),
  reads and edits only that record (another distributor's id is 404), and cannot change its legal
  identity (legal name, GSTIN, PAN) once approved;
- every other role is refused (403).
Approval asks the ERP context for a business-partner sync inside the same unit of work, so the
request commits if and only if the approval does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from application.distributors.ports import (
    DistributorExists,
    DistributorFilter,
    DistributorRepository,
    DistributorsUnitOfWork,
    ErpSyncRequests,
    StatusHistory,
    UserDirectory,
)
from application.shared.access import owned_or_404, require_admin, require_role
from application.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from domain.distributors.distributor import (
    ERP_FIELDS,
    IDENTITY_FIELDS,
    Distributor,
    DistributorStatus,
    StatusChange,
)
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.ids import new_id

STAFF_OR_DISTRIBUTOR = frozenset({Role.ADMIN, Role.DISTRIBUTOR})


class FieldLocked(Conflict):
    code = "field_locked"


@dataclass(frozen=True, slots=True)
class OnboardDistributor:
    values: Mapping[str, object]
    # Admins may link the record to an existing distributor login; a distributor applying is linked to itself.
    user_id: str | None = None


def _require(principal: Principal) -> None:
    require_role(principal, *STAFF_OR_DISTRIBUTOR, message="Only admins and distributors can do this")


def _visible(distributor: Distributor | None, principal: Principal) -> Distributor:
    """Admins see every distributor; a distributor sees itself; anything else is 404, so ids do not leak."""
    return owned_or_404(distributor, principal, lambda found: found.user_id, message="No such distributor")


def distributor_onboard(
    *,
    uow: DistributorsUnitOfWork,
    principal: Principal,
    command: OnboardDistributor,
    users: UserDirectory,
    clock: Clock,
) -> Distributor:
    _require(principal)
    if principal.is_admin:
        user_id = command.user_id
        if user_id is not None and users.role_of(user_id) is not Role.DISTRIBUTOR:
            raise InvalidInput(
                "user_id must name a live user with role distributor", code="invalid_user", field="user_id"
            )
    else:
        if command.user_id not in (None, principal.user_id):
            raise Forbidden("A distributor can only apply for itself")
        user_id = principal.user_id
    distributor = Distributor.onboard(
        distributor_id=str(new_id()), values=command.values, user_id=user_id, by=principal.user_id, now=clock.now()
    )
    with uow:
        if user_id is not None and uow.distributors.find_by_user(user_id) is not None:
            raise _exists_for_user(principal)
        uow.distributors.add(distributor)
        for change in distributor.pull_history():
            uow.history.add(change)
    return distributor


def _exists_for_user(principal: Principal) -> Conflict:
    if principal.is_admin:
        return DistributorExists("This user already has a distributor record", field="user_id")
    return DistributorExists("You have already applied; see GET /api/v1/distributors", field="user_id")


def distributor_get(*, distributors: DistributorRepository, principal: Principal, distributor_id: str) -> Distributor:
    _require(principal)
    return _visible(distributors.get(distributor_id), principal)


def distributors_list(
    *, distributors: DistributorRepository, principal: Principal, filters: DistributorFilter, page: PageRequest
) -> Page[Distributor]:
    _require(principal)
    if not principal.is_admin:
        # A distributor lists only itself, whatever filters it sends.
        filters = DistributorFilter(status=filters.status, text=filters.text, user_id=principal.user_id)
    return distributors.list(filters, page)


def distributor_update(
    *,
    uow: DistributorsUnitOfWork,
    principal: Principal,
    distributor_id: str,
    changes: Mapping[str, object],
    erp: ErpSyncRequests,
    clock: Clock,
) -> Distributor:
    """PUT and PATCH both land here; PUT's schema simply sends every field."""
    _require(principal)
    with uow:
        distributor = _visible(uow.distributors.get_for_update(distributor_id), principal)
        changed = distributor.edit(changes, now=clock.now())
        locked = sorted(changed & IDENTITY_FIELDS)
        if locked and not principal.is_admin and distributor.status is not DistributorStatus.PENDING:
            raise FieldLocked(
                f"{locked[0]} cannot change after approval; ask an admin", field=locked[0], extra={"field": locked[0]}
            )
        if changed:
            uow.distributors.save(distributor)
            if distributor.is_active and changed & ERP_FIELDS:
                erp.business_partner_sync_requested(distributor_id=distributor.id, outbox=uow.outbox)
    return distributor


def _transition(
    action: str,
    *,
    uow: DistributorsUnitOfWork,
    principal: Principal,
    distributor_id: str,
    reason: str,
    clock: Clock,
) -> Distributor:
    require_admin(principal)
    distributor = uow.distributors.get_for_update(distributor_id)
    if distributor is None:
        raise NotFound("No such distributor")
    getattr(distributor, action)(by=principal.user_id, now=clock.now(), reason=reason)
    uow.distributors.save(distributor)
    for change in distributor.pull_history():
        uow.history.add(change)
    return distributor


def distributor_approve(
    *,
    uow: DistributorsUnitOfWork,
    principal: Principal,
    distributor_id: str,
    reason: str = "",
    erp: ErpSyncRequests,
    clock: Clock,
) -> Distributor:
    """pending -> active; the SAP business-partner sync is requested in the same transaction."""
    with uow:
        distributor = _transition(
            "approve", uow=uow, principal=principal, distributor_id=distributor_id, reason=reason, clock=clock
        )
        erp.business_partner_sync_requested(distributor_id=distributor.id, outbox=uow.outbox)
    return distributor


def distributor_suspend(
    *, uow: DistributorsUnitOfWork, principal: Principal, distributor_id: str, reason: str = "", clock: Clock
) -> Distributor:
    """active -> suspended."""
    with uow:
        return _transition(
            "suspend", uow=uow, principal=principal, distributor_id=distributor_id, reason=reason, clock=clock
        )


def distributor_reactivate(
    *, uow: DistributorsUnitOfWork, principal: Principal, distributor_id: str, reason: str = "", clock: Clock
) -> Distributor:
    """suspended -> active. The business partner already exists in SAP, so nothing is synced."""
    with uow:
        return _transition(
            "reactivate", uow=uow, principal=principal, distributor_id=distributor_id, reason=reason, clock=clock
        )


def distributor_history(
    *,
    distributors: DistributorRepository,
    history: StatusHistory,
    principal: Principal,
    distributor_id: str,
) -> list[StatusChange]:
    _require(principal)
    _visible(distributors.get(distributor_id), principal)
    return history.for_distributor(distributor_id)


def distributor_for_payment(
    *, distributors: DistributorRepository, principal: Principal, distributor_id: str
) -> Distributor:
    """The distributor a payment is recorded for: admins may name any, a distributor only itself (else 404)."""
    found = distributors.get(distributor_id)
    own = found is not None and principal.role is Role.DISTRIBUTOR and found.user_id == principal.user_id
    if found is None or not (principal.is_admin or own):
        raise NotFound("No such distributor")
    return found
