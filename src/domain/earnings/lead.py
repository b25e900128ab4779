"""Leads: prospects a reseller works on, through ``new -> contacted -> qualified -> converted | lost``.

A lead can be lost at any open stage; only a qualified lead converts. Converted and lost are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidValue
from domain.shared.transitions import Transitions


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"


L = LeadStatus
LEAD_TRANSITIONS: Transitions[LeadStatus, LeadStatus] = Transitions(
    {
        L.NEW: {L.CONTACTED, L.LOST},
        L.CONTACTED: {L.QUALIFIED, L.LOST},
        L.QUALIFIED: {L.CONVERTED, L.LOST},
        L.CONVERTED: set(),
        L.LOST: set(),
    },
    refusal="A {source} lead cannot become {move}",
    code="invalid_lead_transition",
)


@dataclass(frozen=True, slots=True)
class LeadDetails:
    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValue("A lead needs a name", code="invalid_lead", field="name")
        if len(self.name) > 200 or len(self.company) > 200 or len(self.email) > 254 or len(self.phone) > 32:
            raise InvalidValue("Lead details are too long", code="invalid_lead", field="name")
        if len(self.notes) > 5000:
            raise InvalidValue("Notes are at most 5000 characters", code="invalid_lead", field="notes")


@dataclass(kw_only=True)
class Lead:
    id: str
    reseller_id: str
    details: LeadDetails
    status: LeadStatus = LeadStatus.NEW
    lost_reason: str = ""
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None

    def move_to(self, target: LeadStatus, *, now: datetime, reason: str = "") -> bool:
        """Moves along the pipeline; False when already there (a repeated PATCH changes nothing)."""
        if target is self.status:
            return False
        LEAD_TRANSITIONS.require(self.status, target)
        self.status = target
        self.updated_at = now
        if target in {LeadStatus.CONVERTED, LeadStatus.LOST}:
            self.closed_at = now
        if target is LeadStatus.LOST:
            self.lost_reason = reason.strip()[:500]
        return True
