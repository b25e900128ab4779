"""Outbound webhook routes (merchants) and the event log (merchants: their own; admins: all).

Endpoints, deliveries with every attempt, manual retry, replay of failed deliveries, secret
rotation; the event log is what deliveries are made from (``GET /events``).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from application.notifications.ports import DeliveryFilter, EventFilter
from application.notifications.use_cases import EndpointWithSecret
from application.shared.errors import NotFound
from application.shared.events import StoredEvent
from domain.identity.user import Role
from domain.notifications.delivery import Delivery, DeliveryAttempt, DeliveryStatus
from domain.notifications.endpoint import WebhookEndpoint
from entrypoints.api.auth import MERCHANT, auth_for, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import notifications

webhooks_router = Router(tags=["webhooks"])
events_router = Router(tags=["events"])

MERCHANT_OR_ADMIN = auth_for(Role.MERCHANT, Role.ADMIN)

EventPattern = Annotated[str, Field(min_length=1, max_length=100)]
# Filters are matched in SQL: refuse what no event type contains (NUL would even break PostgreSQL).
TypeFilter = Annotated[
    str, Field(max_length=100, pattern=r"^[A-Za-z0-9_.*-]+$", description="A type or a family (payment.*)")
]
_EVENT_ID = re.compile(r"^[A-Za-z0-9_]{1,40}$")


def _utc(value: datetime | None) -> datetime | None:
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
        return _utc(value)


class ReplayIn(InputSchema):
    since: datetime = Field(description="Replay failed deliveries created at or after this time")
    until: datetime | None = Field(default=None, description="... and before this time (default: now)")

    @field_validator("since", "until")
    @classmethod
    def _utc_if_naive(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


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
        return _utc(value)


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


def _with_secret(created: EndpointWithSecret) -> EndpointWithSecretOut:
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


def _uuid_or_404(raw: str) -> str:
    """A malformed id names nothing: 404, like any id the caller may not see."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise NotFound("No such resource") from None


def _delivery_id(raw: str) -> str:
    """A delivery's UUID, or its webhook-id (``msg_<hex>``) as a receiver saw it."""
    return _uuid_or_404(raw[4:] if raw.startswith("msg_") else raw)


# --------------------------------------------------------------------------- endpoints


@webhooks_router.post(
    "/webhook-endpoints",
    response={201: EndpointWithSecretOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Register a webhook endpoint",
    description="Answers the signing secret once. The URL must be http(s) on the public internet "
    "(422 `unsafe_url` otherwise: loopback, private, link-local, metadata, ... also after DNS).",
)
@idempotent
def webhook_endpoints_create(request: HttpRequest, payload: EndpointIn) -> Status[EndpointWithSecretOut]:
    created = notifications.create_endpoint(
        principal(request), url=payload.url, events=payload.events, description=payload.description
    )
    return Status(201, _with_secret(created))


@webhooks_router.get(
    "/webhook-endpoints",
    response={200: EndpointPage, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="List your webhook endpoints",
)
def webhook_endpoints_list(request: HttpRequest, query: Query[PageQuery]) -> EndpointPage:
    page = notifications.list_endpoints(principal(request), query.page_request())
    return EndpointPage(items=[endpoint_out(e) for e in page.items], next_cursor=page.next_cursor)


@webhooks_router.get(
    "/webhook-endpoints/{endpoint_id}",
    response={200: EndpointOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Get a webhook endpoint",
)
def webhook_endpoints_get(request: HttpRequest, endpoint_id: str) -> EndpointOut:
    return endpoint_out(notifications.get_endpoint(principal(request), _uuid_or_404(endpoint_id)))


@webhooks_router.patch(
    "/webhook-endpoints/{endpoint_id}",
    response={200: EndpointOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Change a webhook endpoint (URL, events, description, enabled)",
)
def webhook_endpoints_update(request: HttpRequest, endpoint_id: str, payload: EndpointUpdateIn) -> EndpointOut:
    changes = payload.model_dump(exclude_unset=True)
    return endpoint_out(notifications.update_endpoint(principal(request), _uuid_or_404(endpoint_id), changes))


@webhooks_router.delete(
    "/webhook-endpoints/{endpoint_id}",
    response={204: None, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Delete a webhook endpoint (pending deliveries stop)",
)
def webhook_endpoints_delete(request: HttpRequest, endpoint_id: str) -> Status[None]:
    notifications.delete_endpoint(principal(request), _uuid_or_404(endpoint_id))
    return Status(204, None)


@webhooks_router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response={200: EndpointWithSecretOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Rotate the signing secret",
    description="Answers the new secret once. For 24 hours the old secret signs too: the "
    "webhook-signature header then carries two space-separated v1 signatures.",
)
@idempotent
def webhook_endpoints_rotate_secret(request: HttpRequest, endpoint_id: str) -> EndpointWithSecretOut:
    return _with_secret(notifications.rotate_secret(principal(request), _uuid_or_404(endpoint_id)))


@webhooks_router.post(
    "/webhook-endpoints/{endpoint_id}/replay",
    response={202: ReplayOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Send failed deliveries of a time window again",
)
@idempotent
def webhook_endpoints_replay(request: HttpRequest, endpoint_id: str, payload: ReplayIn) -> Status[ReplayOut]:
    replayed = notifications.replay(
        principal(request), _uuid_or_404(endpoint_id), since=payload.since, until=payload.until
    )
    return Status(202, ReplayOut(replayed=replayed.count, has_more=replayed.has_more))


# --------------------------------------------------------------------------- deliveries


@webhooks_router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    response={200: DeliveryPage, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="List an endpoint's deliveries",
)
def webhook_deliveries_list(
    request: HttpRequest, endpoint_id: str, filters: Query[DeliveryFilterQuery]
) -> DeliveryPage:
    page = notifications.list_deliveries(
        principal(request),
        _uuid_or_404(endpoint_id),
        DeliveryFilter(
            status=filters.status,
            event_type=filters.event_type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        filters.page_request(),
    )
    return DeliveryPage(items=[delivery_out(d) for d in page.items], next_cursor=page.next_cursor)


@webhooks_router.get(
    "/webhook-deliveries/{delivery_id}",
    response={200: DeliveryDetailOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Get a delivery with every attempt (by id or by its msg_ webhook-id)",
)
def webhook_deliveries_get(request: HttpRequest, delivery_id: str) -> DeliveryDetailOut:
    detail = notifications.get_delivery(principal(request), _delivery_id(delivery_id))
    return DeliveryDetailOut(
        **delivery_out(detail.delivery).model_dump(),
        payload=json.loads(detail.delivery.body),
        attempts=[attempt_out(a) for a in detail.attempts],
    )


@webhooks_router.post(
    "/webhook-deliveries/{delivery_id}/retry",
    response={202: DeliveryOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Send a delivery again now (same webhook-id)",
)
@idempotent
def webhook_deliveries_retry(request: HttpRequest, delivery_id: str) -> Status[DeliveryOut]:
    delivery = notifications.retry_delivery(principal(request), _delivery_id(delivery_id))
    return Status(202, delivery_out(delivery))


# --------------------------------------------------------------------------- event log


@events_router.get(
    "/events",
    response={200: EventPage, **PROBLEM_RESPONSES},
    auth=MERCHANT_OR_ADMIN,
    summary="List events (merchants: their own; admins: all)",
)
def events_list(request: HttpRequest, filters: Query[EventFilterQuery]) -> EventPage:
    page = notifications.list_events(
        principal(request),
        EventFilter(
            owner_id=filters.owner_id,
            type=filters.type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        filters.page_request(),
    )
    return EventPage(items=[event_out(e) for e in page.items], next_cursor=page.next_cursor)


@events_router.get(
    "/events/{event_id}",
    response={200: EventOut, **PROBLEM_RESPONSES},
    auth=MERCHANT_OR_ADMIN,
    summary="Get an event",
)
def events_get(request: HttpRequest, event_id: str) -> EventOut:
    if not _EVENT_ID.match(event_id):
        raise NotFound("No such event")
    return event_out(notifications.get_event(principal(request), event_id))
