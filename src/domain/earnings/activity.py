"""The earnings activity log: one entry per state change, written in the change's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.shared.ids import new_id

SYSTEM_ACTOR = ""  # periodic jobs and event handlers


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    id: str
    reseller_id: str
    action: str  # "commission.approved", "payout.failed", ...
    subject_type: str  # "commission", "payout", "invoice", "lead", "reseller", "referral"
    subject_id: str
    created_at: datetime
    actor_id: str = SYSTEM_ACTOR
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def record(
        cls,
        *,
        reseller_id: str,
        action: str,
        subject_type: str,
        subject_id: str,
        now: datetime,
        actor_id: str = SYSTEM_ACTOR,
        **data: Any,
    ) -> ActivityEntry:
        return cls(
            id=str(new_id()),
            reseller_id=reseller_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            created_at=now,
            actor_id=actor_id,
            data=data,
        )
