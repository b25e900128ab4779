"""An Alert: money that needs an admin's eyes, listed at ``GET /api/v1/admin/alerts``.

Raised when a provider reports money we did not expect (a capture on a closed payment or on an
order already paid or cancelled: it is returned automatically and the alert says so), when a
refund fails, or when a provider's report does not match what we asked for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.shared.ids import new_id
from domain.shared.money import Money


@dataclass(kw_only=True)
class Alert:
    id: uuid.UUID
    code: str
    message: str
    seller_id: str
    payment_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    refund_id: uuid.UUID | None = None
    amount: Money | None = None
    details: dict[str, Any] = field(default_factory=dict)
    created_at: datetime

    @classmethod
    def raise_(
        cls,
        *,
        code: str,
        message: str,
        seller_id: str,
        now: datetime,
        payment_id: uuid.UUID | None = None,
        order_id: uuid.UUID | None = None,
        refund_id: uuid.UUID | None = None,
        amount: Money | None = None,
        details: dict[str, Any] | None = None,
    ) -> Alert:
        return cls(
            id=new_id(),
            code=code,
            message=message[:500],
            seller_id=seller_id,
            payment_id=payment_id,
            order_id=order_id,
            refund_id=refund_id,
            amount=amount,
            details=dict(details or {}),
            created_at=now,
        )
