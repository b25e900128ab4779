"""Resellers: partners who apply, are approved by an admin, and earn on the accounts they refer.

Status moves only through ``_move`` and ``RESELLER_TRANSITIONS``. Each reseller has a
referral code (8 characters, no look-alike characters); only approved resellers' codes are
accepted at sign-up.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.transitions import Transitions

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
REFERRAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERRAL_CODE_LENGTH = 8
_CODE = re.compile(rf"^[{REFERRAL_ALPHABET}]{{{REFERRAL_CODE_LENGTH}}}$")


def generate_referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


def normalize_referral_code(raw: str) -> str:
    return (raw or "").strip().upper()


def is_well_formed_code(code: str) -> bool:
    return bool(_CODE.match(code))


class ResellerStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


R = ResellerStatus
# A rejected applicant may apply again (back to pending); an approved reseller stays approved.
RESELLER_TRANSITIONS: Transitions[ResellerStatus, ResellerStatus] = Transitions(
    {
        R.PENDING: {R.APPROVED, R.REJECTED},
        R.REJECTED: {R.PENDING},
        R.APPROVED: set(),
    },
    refusal="A {source} reseller cannot become {move}",
    code="invalid_reseller_transition",
)


@dataclass(frozen=True, slots=True)
class ResellerDetails:
    business_name: str = ""
    phone: str = ""
    website: str = ""
    pitch: str = ""  # how the applicant plans to bring in business

    def __post_init__(self) -> None:
        if len(self.business_name) > 200 or len(self.phone) > 32 or len(self.website) > 500 or len(self.pitch) > 2000:
            raise InvalidValue("Reseller details are too long", field="business_name")


@dataclass(kw_only=True)
class Reseller:
    id: str
    user_id: str
    referral_code: str
    status: ResellerStatus = ResellerStatus.PENDING
    details: ResellerDetails = field(default_factory=ResellerDetails)
    tier: str = ""
    trailing_sales_minor: int = 0
    rejection_reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def is_approved(self) -> bool:
        return self.status is ResellerStatus.APPROVED

    def approve(self, *, by: str, now: datetime) -> None:
        self._move(ResellerStatus.APPROVED, now)
        self.rejection_reason = ""
        self.decided_by, self.decided_at = by, now

    def reject(self, *, reason: str, by: str, now: datetime) -> None:
        reason = reason.strip()
        if not reason:
            raise InvalidValue("A reason is required", code="reason_required", field="reason")
        self._move(ResellerStatus.REJECTED, now)
        self.rejection_reason = reason[:500]
        self.decided_by, self.decided_at = by, now

    def reapply(self, details: ResellerDetails, *, now: datetime) -> None:
        if self.status is not ResellerStatus.REJECTED:
            raise InvalidTransition("You have already applied", code="already_applied")
        self._move(ResellerStatus.PENDING, now)
        self.details = details

    def set_tier(self, tier: str, sales_minor: int, *, now: datetime) -> bool:
        """Records the recomputed tier; True when the tier changed."""
        changed = tier != self.tier
        self.tier, self.trailing_sales_minor, self.updated_at = tier, sales_minor, now
        return changed

    def _move(self, target: ResellerStatus, now: datetime) -> None:
        RESELLER_TRANSITIONS.require(self.status, target)
        self.status = target
        self.updated_at = now


@dataclass(frozen=True, slots=True)
class Attribution:
    """A merchant, vendor or distributor account brought in by a reseller (one reseller per account)."""

    id: str
    reseller_id: str
    account_id: str
    role: str
    referral_code: str
    created_at: datetime
