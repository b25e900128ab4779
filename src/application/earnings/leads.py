"""Leads: a reseller's prospects and their pipeline."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.earnings.common import log, own_reseller, require_reseller, require_reseller_or_admin, visible_to
from application.earnings.ports import EarningsUnitOfWork, LeadFilter
from application.shared.errors import NotFound
from application.shared.pagination import Page, PageRequest
from domain.earnings.lead import Lead, LeadDetails, LeadStatus
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.errors import InvalidValue
from domain.shared.ids import new_id

DETAIL_FIELDS = frozenset({"name", "company", "email", "phone", "notes"})


@dataclass(frozen=True, slots=True)
class LeadChanges:
    details: dict[str, str]
    status: str | None = None
    lost_reason: str = ""


def lead_create(*, uow: EarningsUnitOfWork, principal: Principal, details: LeadDetails, clock: Clock) -> Lead:
    require_reseller(principal)
    now = clock.now()
    with uow:
        reseller = own_reseller(uow, principal)
        lead = Lead(id=str(new_id()), reseller_id=reseller.id, details=details, created_at=now, updated_at=now)
        uow.leads.add(lead)
        log(uow, reseller.id, "lead.created", "lead", lead.id, now=now, actor_id=principal.user_id)
    return lead


def lead_update(
    *, uow: EarningsUnitOfWork, principal: Principal, lead_id: str, changes: LeadChanges, clock: Clock
) -> Lead:
    require_reseller_or_admin(principal)
    target = None
    if changes.status is not None:
        try:
            target = LeadStatus(changes.status)
        except ValueError:
            raise InvalidValue(
                f"Unknown lead status {changes.status!r}", code="invalid_status", field="status"
            ) from None
    now = clock.now()
    with uow:
        lead = uow.leads.get(lead_id, for_update=True)
        if lead is None or not visible_to(uow, principal, lead.reseller_id):
            raise NotFound("No such lead")
        fields = {k: v for k, v in changes.details.items() if k in DETAIL_FIELDS}
        if fields:
            lead.details = replace(lead.details, **fields)
            lead.updated_at = now
        if target is not None:
            previous = lead.status
            if lead.move_to(target, now=now, reason=changes.lost_reason):
                log(
                    uow,
                    lead.reseller_id,
                    "lead.status_changed",
                    "lead",
                    lead.id,
                    now=now,
                    actor_id=principal.user_id,
                    previous=previous.value,
                    status=target.value,
                )
        uow.leads.save(lead)
    return lead


def leads_list(*, uow: EarningsUnitOfWork, principal: Principal, filters: LeadFilter, page: PageRequest) -> Page[Lead]:
    require_reseller_or_admin(principal)
    if principal.role is Role.RESELLER:
        filters = replace(filters, reseller_id=own_reseller(uow, principal).id)
    return uow.leads.list(filters, page)


def lead_get(*, uow: EarningsUnitOfWork, principal: Principal, lead_id: str) -> Lead:
    require_reseller_or_admin(principal)
    lead = uow.leads.get(lead_id)
    if lead is None or not visible_to(uow, principal, lead.reseller_id):
        raise NotFound("No such lead")
    return lead


def leads_summary(*, uow: EarningsUnitOfWork, principal: Principal, reseller_id: str | None = None) -> dict[str, int]:
    """Counts per pipeline stage, every stage present (zero included)."""
    require_reseller_or_admin(principal)
    scope = own_reseller(uow, principal).id if principal.role is Role.RESELLER else reseller_id
    counts = uow.leads.count_by_status(scope)
    return {status.value: counts.get(status.value, 0) for status in LeadStatus}
