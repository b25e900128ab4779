"""Schemas of the gateway routes: webhook acknowledgements, stored inbound events, risk review decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from domain.gateways.inbound_event import InboundEvent, InboundSource, InboundStatus
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema, Problem


class WebhookAck(Schema):
    received: bool
    inbound_event_id: str
    status: InboundStatus
    outcome: str | None
    duplicate: bool = Field(description="A redelivery of an event already stored: nothing is done twice")


WEBHOOK_RESPONSES: dict[int, Any] = {
    200: WebhookAck,
    401: Problem,
    404: Problem,
    422: Problem,
    429: Problem,
    503: Problem,
}


class InboundEventOut(Schema):
    id: str
    source: InboundSource
    event_type: str
    dedupe_key: str
    signature_valid: bool
    status: InboundStatus
    outcome: str | None
    error: str | None
    payment_id: str | None
    attempts: int = Field(description="Processing attempts so far")
    deliveries: int = Field(description="Times the sender delivered this event")
    headers: dict[str, str]
    body: str = Field(description="The raw body as received (text)")
    received_at: datetime
    last_received_at: datetime
    processed_at: datetime | None


class InboundEventPage(Schema):
    items: list[InboundEventOut]
    next_cursor: str | None


class InboundEventQuery(PageQuery):
    source: InboundSource | None = None
    status: InboundStatus | None = None
    signature_valid: bool | None = None
    payment_id: str | None = Field(default=None, max_length=64)


class RiskReviewIn(InputSchema):
    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=500)


def event_out(event: InboundEvent) -> InboundEventOut:
    return InboundEventOut(
        id=str(event.id),
        source=event.source,
        event_type=event.event_type,
        dedupe_key=event.dedupe_key,
        signature_valid=event.signature_valid,
        status=event.status,
        outcome=event.outcome or None,
        error=event.error or None,
        payment_id=event.payment_id or None,
        attempts=event.attempts,
        deliveries=event.deliveries,
        headers=event.headers,
        body=event.body,
        received_at=event.received_at,
        last_received_at=event.last_received_at,
        processed_at=event.processed_at,
    )
