"""Schemas of the outbound webhook and event log routes, and the mappers from their results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, field_validator

from application.notifications.use_cases import EndpointWithSecret
from application.shared.events import StoredEvent
from domain.notifications.delivery import Delivery, DeliveryAttempt, DeliveryStatus
from domain.notifications.endpoint import WebhookEndpoint
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema

EventPattern = Annotated[str, Field(min_length=1, max_length=100)]
# Filters are matched in SQL: refuse what no event type contains (NUL would even break PostgreSQL).
TypeFilter = Annotated[
    str, Field(max_length=100, pattern=r"^[A-Za-z0-9_.*-]+$", description="A type or a family (payment.*)")
]


def utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class EndpointIn(InputSchema):
    url: str = Field(min_length=1, max_length=2000, description="http(s) URL on the public internet")
    events: list[EventPattern] = Field(
        min_length=1,
        max_length=100,
        description='Event types (payment.captured), families (payment.*) or ["*"] for every event',
        examples=[["payment.captured", "payment.refunded"]],
    )
    description: str = Field(default="", max_length=500)


class EndpointUpdateIn(InputSchema):
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    events: list[EventPattern] | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = Field(default=None, description="false disables; true re-enables a disabled endpoint")


class EndpointOut(Schema):
    id: str
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None = Field(description="manual, gone (the receiver answered 410) or failing")
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation, the old secret also signs until this time"
    )
    created_at: datetime
    updated_at: datetime


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="The signing secret (whsec_...); shown only in this response")


class EndpointPage(Schema):
    items: list[EndpointOut]
    next_cursor: str | None


class AttemptOut(Schema):
    id: str
    number: int
    trigger: str = Field(description="scheduled, manual (retry) or replay")
    attempted_at: datetime
    webhook_timestamp: int
    status_code: int | None = Field(description="None when no answer came (network error, timeout, refused URL)")
    duration_ms: int
    response_body: str = Field(description="The first 1 KiB of the answer")
    error: str


class DeliveryOut(Schema):
    id: str
    webhook_id: str = Field(description="The webhook-id header: the same on every attempt")
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime


class DeliveryDetailOut(DeliveryOut):
    payload: dict[str, Any] = Field(description="The body sent, byte for byte the same on every attempt")
    attempts: list[AttemptOut]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryFilterQuery(PageQuery):
    status: DeliveryStatus | None = None
    event_type: TypeFilter | None = None
    created_after: datetime | None = Field(default=None, description="Inclusive lower bound on created_at")
    created_before: datetime | None = Field(default=None, description="Exclusive upper bound on created_at")

    @field_validator("created_after", "created_before")
    @classmethod
    def _utc_if_naive(cls, value: datetime | None) -> datetime | None:
        return utc(value)


class ReplayIn(InputSchema):
    since: datetime = Field(description="Replay failed deliveries created at or after this time")
    until: datetime | None = Field(default=None, description="... and before this time (default: now)")

    @field_validator("since", "until")
    @classmethod
    def _utc_if_naive(cls, value: datetime | None) -> datetime | None:
        return utc(value)


class ReplayOut(Schema):
    replayed: int = Field(description="Failed deliveries sent again (at most 1000 per call)")
    has_more: bool = Field(description="More remain in the window: call again to replay them")


class EventOut(Schema):
    id: str
    type: str
    created: datetime
    data: dict[str, Any]


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class EventFilterQuery(PageQuery):
    type: TypeFilter | None = None
    created_after: datetime | None = Field(default=None, description="Inclusive lower bound on created")
    created_before: datetime | None = Field(default=None, description="Exclusive upper bound on created")
    owner_id: str | None = Field(
        default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Admins only: one owner's events"
    )

    @field_validator("created_after", "created_before")
    @classmethod
    def _utc_if_naive(cls, value: datetime | None) -> datetime | None:
        return utc(value)


def endpoint_out(endpoint: WebhookEndpoint) -> EndpointOut:
    return EndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        events=list(endpoint.events),
        description=endpoint.description,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason or None,
        disabled_at=endpoint.disabled_at,
        previous_secret_expires_at=endpoint.previous_secret_expires_at if endpoint.previous_secret else None,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def endpoint_with_secret_out(created: EndpointWithSecret) -> EndpointWithSecretOut:
    return EndpointWithSecretOut(**endpoint_out(created.endpoint).model_dump(), secret=created.secret)


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        webhook_id=delivery.message_id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempt_count=delivery.attempt_count,
        next_attempt_at=delivery.next_attempt_at,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


def attempt_out(attempt: DeliveryAttempt) -> AttemptOut:
    return AttemptOut(
        id=attempt.id,
        number=attempt.number,
        trigger=attempt.trigger.value,
        attempted_at=attempt.attempted_at,
        webhook_timestamp=attempt.webhook_timestamp,
        status_code=attempt.status_code,
        duration_ms=attempt.duration_ms,
        response_body=attempt.response_body,
        error=attempt.error,
    )


def event_out(event: StoredEvent) -> EventOut:
    return EventOut(id=event.id, type=event.type, created=event.created_at, data=event.data)
