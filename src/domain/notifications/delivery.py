"""A delivery: one event for one endpoint, tried until the receiver takes it or the schedule ends.

The body is serialised once, when the delivery is made, and those exact bytes are sent on every
attempt; the ``webhook-id`` header (``msg_...``) is the same on every attempt too, so receivers
dedupe on it. Only the timestamp and signature change between attempts.

A delivery is driven by *runs*: the first run starts with the event, a manual retry or a replay
starts a new one (with the full retry schedule). A worker holding an older run stops, so two
schedules never race for one delivery.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from domain.shared.ids import new_id

RESPONSE_BODY_LIMIT = 1024
ERROR_LIMIT = 1000


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # not yet tried, or waiting for its next try
    SUCCEEDED = "succeeded"  # the receiver answered 2xx
    FAILED = "failed"  # the schedule ran out, the receiver answered 410, or the endpoint was disabled


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GONE = "gone"


class AttemptTrigger(StrEnum):
    SCHEDULED = "scheduled"
    MANUAL = "manual"
    REPLAY = "replay"


def classify(status_code: int | None) -> Outcome:
    """2xx delivers; 410 stops for good; everything else (3xx, 4xx, 5xx, 429, no answer) is retried.

    Redirects are failures and are never followed: a 3xx could point anywhere, our network included.
    4xx other than 410 are retried like 5xx (Standard Webhooks practice): the usual cause is a
    receiver bug or a misconfigured secret that the merchant fixes within the day.
    """
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.GONE
    return Outcome.RETRY


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def envelope(*, event_id: str, event_type: str, created: datetime, data: dict[str, Any]) -> str:
    """The JSON body receivers get: ``{"id", "type", "created", "data"}``, compact and ASCII-only."""
    return json.dumps(
        {"id": event_id, "type": event_type, "created": iso(created), "data": data},
        separators=(",", ":"),
        ensure_ascii=True,
        sort_keys=False,
    )


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one HTTP attempt came back with; ``status_code`` is None when no answer came."""

    status_code: int | None
    duration_ms: int
    response_body: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    id: str
    delivery_id: str
    number: int
    run: int
    trigger: AttemptTrigger
    attempted_at: datetime
    webhook_timestamp: int
    status_code: int | None
    duration_ms: int
    response_body: str
    error: str


@dataclass(slots=True)
class Delivery:
    id: str
    endpoint_id: str
    owner_id: str
    event_id: str
    event_type: str
    body: str
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    run: int = 1
    attempt_count: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str = ""
    delivered_at: datetime | None = None

    @classmethod
    def create(
        cls, *, endpoint_id: str, owner_id: str, event_id: str, event_type: str, body: str, now: datetime
    ) -> Delivery:
        return cls(
            id=str(new_id()),
            endpoint_id=endpoint_id,
            owner_id=owner_id,
            event_id=event_id,
            event_type=event_type,
            body=body,
            created_at=now,
            next_attempt_at=now,
        )

    @property
    def message_id(self) -> str:
        """The ``webhook-id``: fixed for the delivery's life, across attempts, retries and replays."""
        return "msg_" + self.id.replace("-", "")

    def record_attempt(
        self,
        *,
        run: int,
        result: SendResult,
        trigger: AttemptTrigger,
        now: datetime,
        webhook_timestamp: int,
        next_attempt_at: datetime | None,
    ) -> DeliveryAttempt:
        """Account for one attempt; ``next_attempt_at`` None means this run will not try again.

        An attempt from a superseded run (a retry started meanwhile) is kept in the log but
        does not change the delivery's state.
        """
        self.attempt_count += 1
        attempt = DeliveryAttempt(
            id=str(new_id()),
            delivery_id=self.id,
            number=self.attempt_count,
            run=run,
            trigger=trigger,
            attempted_at=now,
            webhook_timestamp=webhook_timestamp,
            status_code=result.status_code,
            duration_ms=max(0, result.duration_ms),
            response_body=result.response_body[:RESPONSE_BODY_LIMIT],
            error=result.error[:ERROR_LIMIT],
        )
        if run != self.run:
            return attempt
        self.last_attempt_at, self.last_status_code = now, result.status_code
        outcome = classify(result.status_code)
        self.last_error = result.error[:ERROR_LIMIT] or (
            "" if outcome is Outcome.DELIVERED else f"HTTP {result.status_code}"
        )
        if outcome is Outcome.DELIVERED:
            self.status, self.delivered_at, self.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
        elif outcome is Outcome.RETRY and next_attempt_at is not None:
            self.status, self.next_attempt_at = DeliveryStatus.PENDING, next_attempt_at
        else:
            self.status, self.next_attempt_at = DeliveryStatus.FAILED, None
        return attempt

    def give_up(self, *, run: int, reason: str) -> bool:
        """End this run without an attempt (endpoint disabled or deleted meanwhile)."""
        if run != self.run or self.status is not DeliveryStatus.PENDING:
            return False
        self.status, self.next_attempt_at, self.last_error = DeliveryStatus.FAILED, None, reason[:ERROR_LIMIT]
        return True

    def rearm(self, *, now: datetime) -> int:
        """Start a new run (manual retry, replay): pending again, due now. Returns the run number."""
        self.run += 1
        self.status, self.next_attempt_at = DeliveryStatus.PENDING, now
        return self.run
