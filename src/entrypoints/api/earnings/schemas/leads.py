"""Leads: prospects a reseller works on, from new to converted or lost."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from domain.earnings.lead import Lead, LeadStatus
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema


class LeadIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    company: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=32)
    notes: str = Field(default="", max_length=5000)


class LeadPatchIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    notes: str | None = Field(default=None, max_length=5000)
    status: LeadStatus | None = Field(default=None, description="new -> contacted -> qualified -> converted | lost")
    lost_reason: str = Field(default="", max_length=500)


class LeadOut(Schema):
    id: str
    reseller_id: str
    name: str
    company: str
    email: str
    phone: str
    notes: str
    status: str
    lost_reason: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class LeadQuery(PageQuery):
    status: LeadStatus | None = None
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


class LeadSummaryOut(Schema):
    total: int
    leads_by_status: dict[str, int]


class LeadSummaryQuery(Schema):
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


def lead_out(lead: Lead) -> LeadOut:
    d = lead.details
    return LeadOut(
        id=lead.id,
        reseller_id=lead.reseller_id,
        name=d.name,
        company=d.company,
        email=d.email,
        phone=d.phone,
        notes=d.notes,
        status=lead.status.value,
        lost_reason=lead.lost_reason or None,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        closed_at=lead.closed_at,
    )
