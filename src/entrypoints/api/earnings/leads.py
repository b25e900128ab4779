"""Leads: a reseller's prospects; admins see every reseller's."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.earnings.leads import LeadChanges
from application.earnings.ports import LeadFilter
from domain.earnings.lead import LeadDetails
from entrypoints.api.auth import principal
from entrypoints.api.earnings.access import RESELLER, RESELLER_OR_ADMIN, earnings
from entrypoints.api.earnings.schemas.common import not_none
from entrypoints.api.earnings.schemas.leads import (
    LeadIn,
    LeadOut,
    LeadPage,
    LeadPatchIn,
    LeadQuery,
    LeadSummaryOut,
    LeadSummaryQuery,
    lead_out,
)
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES

router = Router(tags=["leads"])


@router.post("", response={201: LeadOut, **PROBLEM_RESPONSES}, auth=RESELLER, operation_id="leads_create")
@idempotent
def leads_create(request: HttpRequest, payload: LeadIn) -> Status[LeadOut]:
    details = LeadDetails(
        name=payload.name, company=payload.company, email=payload.email, phone=payload.phone, notes=payload.notes
    )
    return Status(201, lead_out(earnings().lead_create(principal=principal(request), details=details)))


@router.get("", response={200: LeadPage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="leads_list")
def leads_list(request: HttpRequest, query: Query[LeadQuery]) -> LeadPage:
    filters = LeadFilter(reseller_id=query.reseller_id, status=query.status)
    page = earnings().leads_list(principal=principal(request), filters=filters, page=query.page_request())
    return LeadPage(items=[lead_out(lead) for lead in page.items], next_cursor=page.next_cursor)


@router.get(
    "/summary",
    response={200: LeadSummaryOut, **PROBLEM_RESPONSES},
    auth=RESELLER_OR_ADMIN,
    operation_id="leads_summary",
)
def leads_summary(request: HttpRequest, query: Query[LeadSummaryQuery]) -> LeadSummaryOut:
    counts = earnings().leads_summary(principal=principal(request), reseller_id=query.reseller_id)
    return LeadSummaryOut(total=sum(counts.values()), leads_by_status=counts)


@router.get(
    "/{lead_id}", response={200: LeadOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="leads_get"
)
def leads_get(request: HttpRequest, lead_id: str) -> LeadOut:
    return lead_out(earnings().lead_get(principal=principal(request), lead_id=lead_id))


@router.patch(
    "/{lead_id}", response={200: LeadOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="leads_update"
)
def leads_update(request: HttpRequest, lead_id: str, payload: LeadPatchIn) -> LeadOut:
    changes = LeadChanges(
        details=not_none(payload, "name", "company", "email", "phone", "notes"),
        status=payload.status.value if payload.status is not None else None,
        lost_reason=payload.lost_reason,
    )
    return lead_out(earnings().lead_update(principal=principal(request), lead_id=lead_id, changes=changes))
