"""An inbound gateway event: one webhook or IPN as it arrived, and what became of it.

Every call is kept raw (body text, selected headers) before anything is done with it, including
forged ones: those are ``rejected`` and never acted on. An authentic event is identified by its
``dedupe_key`` (e.g. Cashfree's type + ``cf_payment_id``); a redelivery only counts ``deliveries``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidTransition
from domain.shared.ids import new_id


class InboundSource(StrEnum):
    CASHFREE = "cashfree"
    SSLCOMMERZ = "sslcommerz"


class InboundStatus(StrEnum):
    RECEIVED = "received"  # authentic, stored, waiting to be acted on
    RETRYING = "retrying"  # a dependency (e.g. the validation API) was down; the outbox tries again
    PROCESSED = "processed"  # acted on; ``outcome`` says how
    IGNORED = "ignored"  # authentic but nothing for us to do (unknown type, unreadable body)
    UNMATCHED = "unmatched"  # authentic but names no payment of ours (answered 404, sender retries)
    REJECTED = "rejected"  # bad or stale signature: logged, never acted on, never replayed
    FAILED = "failed"  # retries exhausted or a permanent error; an admin may replay it


ACTIONABLE = frozenset({InboundStatus.RECEIVED, InboundStatus.RETRYING})

MAX_ERROR_LENGTH = 2000


@dataclass(kw_only=True)
class InboundEvent:
    id: uuid.UUID
    source: InboundSource
    event_type: str
    dedupe_key: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    signature_valid: bool
    status: InboundStatus
    outcome: str = ""
    error: str = ""
    payment_id: str = ""
    attempts: int = 0
    deliveries: int = 1
    received_at: datetime
    last_received_at: datetime
    processed_at: datetime | None = None

    @classmethod
    def receive(
        cls,
        *,
        source: InboundSource,
        event_type: str,
        dedupe_key: str,
        headers: dict[str, str],
        body: str,
        signature_valid: bool,
        now: datetime,
        payment_id: str = "",
        rejection: str = "",
    ) -> InboundEvent:
        """A forged or stale call is kept as ``rejected`` under a key of its own, so it can never
        take the dedupe key of the genuine event it imitates."""
        event_id = new_id()
        status = InboundStatus.RECEIVED if signature_valid else InboundStatus.REJECTED
        return cls(
            id=event_id,
            source=source,
            event_type=event_type[:64],
            dedupe_key=dedupe_key[:200] if signature_valid else f"rejected:{event_id.hex}",
            headers=headers,
            body=body,
            signature_valid=signature_valid,
            status=status,
            error=rejection[:MAX_ERROR_LENGTH],
            payment_id=payment_id[:64],
            received_at=now,
            last_received_at=now,
            processed_at=None if signature_valid else now,
        )

    @property
    def is_actionable(self) -> bool:
        return self.signature_valid and self.status in ACTIONABLE

    @property
    def is_replayable(self) -> bool:
        return self.signature_valid

    def unmatched(self, now: datetime) -> None:
        """No payment of ours: the key is freed so the sender's retry (maybe after our commit) is heard."""
        self._require_actionable()
        self.status = InboundStatus.UNMATCHED
        self.dedupe_key = f"unmatched:{self.id.hex}"
        self.outcome = "unknown_payment"
        self.processed_at = now

    def start_attempt(self) -> None:
        self._require_actionable()
        self.attempts += 1

    def processed(self, outcome: str, now: datetime) -> None:
        self._require_actionable()
        self.status = InboundStatus.PROCESSED
        self.outcome = outcome[:64]
        self.error = ""
        self.processed_at = now

    def ignored(self, reason: str, now: datetime) -> None:
        self._require_actionable()
        self.status = InboundStatus.IGNORED
        self.outcome = "ignored"
        self.error = reason[:MAX_ERROR_LENGTH]
        self.processed_at = now

    def retrying(self, error: str) -> None:
        self._require_actionable()
        self.status = InboundStatus.RETRYING
        self.error = error[:MAX_ERROR_LENGTH]

    def failed(self, error: str, now: datetime) -> None:
        self._require_actionable()
        self.status = InboundStatus.FAILED
        self.error = error[:MAX_ERROR_LENGTH]
        self.processed_at = now

    def reopen(self) -> None:
        """An admin replay: act on it again. Effects are idempotent, so a processed event may be replayed."""
        if not self.is_replayable:
            raise InvalidTransition("An event with an invalid signature is never acted on", code="event_not_replayable")
        self.status = InboundStatus.RECEIVED
        self.error = ""
        self.processed_at = None

    def _require_actionable(self) -> None:
        if not self.is_actionable:
            raise InvalidTransition(f"Inbound event is {self.status}, not waiting to be acted on")
