"""Domain events: facts that other contexts (webhooks, commissions, ERP) react to via the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """``type`` is the public event name (``payment.captured``); ``data`` is JSON-ready."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    aggregate_id: str = ""
