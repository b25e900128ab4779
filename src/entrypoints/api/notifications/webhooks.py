"""Outbound webhook routes (merchants): endpoints, deliveries with every attempt, manual retry,
replay of failed deliveries, secret rotation. Deliveries are made from the event log (``events.py``).
"""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.notifications.ports import DeliveryFilter
from application.notifications.services import NotificationsServices
from application.shared.errors import NotFound
from entrypoints.api.auth import MERCHANT, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.notifications.schemas import (
    DeliveryDetailOut,
    DeliveryFilterQuery,
    DeliveryOut,
    DeliveryPage,
    EndpointIn,
    EndpointOut,
    EndpointPage,
    EndpointUpdateIn,
    EndpointWithSecretOut,
    ReplayIn,
    ReplayOut,
    attempt_out,
    delivery_out,
    endpoint_out,
    endpoint_with_secret_out,
)
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["webhooks"])


def notifications() -> NotificationsServices:
    return container().notifications


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


@router.post(
    "/webhook-endpoints",
    response={201: EndpointWithSecretOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Register a webhook endpoint",
    description="Answers the signing secret once. The URL must be http(s) on the public internet "
    "(422 `unsafe_url` otherwise: loopback, private, link-local, metadata, ... also after DNS).",
)
@idempotent
def webhook_endpoints_create(request: HttpRequest, payload: EndpointIn) -> Status[EndpointWithSecretOut]:
    created = notifications().endpoint_create(
        owner_id=principal(request).user_id, url=payload.url, events=payload.events, description=payload.description
    )
    return Status(201, endpoint_with_secret_out(created))


@router.get(
    "/webhook-endpoints",
    response={200: EndpointPage, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="List your webhook endpoints",
)
def webhook_endpoints_list(request: HttpRequest, query: Query[PageQuery]) -> EndpointPage:
    page = notifications().endpoints_list(owner_id=principal(request).user_id, page=query.page_request())
    return EndpointPage(items=[endpoint_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.get(
    "/webhook-endpoints/{endpoint_id}",
    response={200: EndpointOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Get a webhook endpoint",
)
def webhook_endpoints_get(request: HttpRequest, endpoint_id: str) -> EndpointOut:
    return endpoint_out(
        notifications().endpoint_get(owner_id=principal(request).user_id, endpoint_id=_uuid_or_404(endpoint_id))
    )


@router.patch(
    "/webhook-endpoints/{endpoint_id}",
    response={200: EndpointOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Change a webhook endpoint (URL, events, description, enabled)",
)
def webhook_endpoints_update(request: HttpRequest, endpoint_id: str, payload: EndpointUpdateIn) -> EndpointOut:
    changes = payload.model_dump(exclude_unset=True)
    updated = notifications().endpoint_update(
        owner_id=principal(request).user_id, endpoint_id=_uuid_or_404(endpoint_id), **changes
    )
    return endpoint_out(updated)


@router.delete(
    "/webhook-endpoints/{endpoint_id}",
    response={204: None, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Delete a webhook endpoint (pending deliveries stop)",
)
def webhook_endpoints_delete(request: HttpRequest, endpoint_id: str) -> Status[None]:
    notifications().endpoint_delete(owner_id=principal(request).user_id, endpoint_id=_uuid_or_404(endpoint_id))
    return Status(204, None)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response={200: EndpointWithSecretOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Rotate the signing secret",
    description="Answers the new secret once. For 24 hours the old secret signs too: the "
    "webhook-signature header then carries two space-separated v1 signatures.",
)
@idempotent
def webhook_endpoints_rotate_secret(request: HttpRequest, endpoint_id: str) -> EndpointWithSecretOut:
    rotated = notifications().endpoint_rotate_secret(
        owner_id=principal(request).user_id, endpoint_id=_uuid_or_404(endpoint_id)
    )
    return endpoint_with_secret_out(rotated)


@router.post(
    "/webhook-endpoints/{endpoint_id}/replay",
    response={202: ReplayOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Send failed deliveries of a time window again",
)
@idempotent
def webhook_endpoints_replay(request: HttpRequest, endpoint_id: str, payload: ReplayIn) -> Status[ReplayOut]:
    replayed = notifications().endpoint_replay(
        owner_id=principal(request).user_id,
        endpoint_id=_uuid_or_404(endpoint_id),
        since=payload.since,
        until=payload.until,
    )
    return Status(202, ReplayOut(replayed=replayed.count, has_more=replayed.has_more))


# --------------------------------------------------------------------------- deliveries


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    response={200: DeliveryPage, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="List an endpoint's deliveries",
)
def webhook_deliveries_list(
    request: HttpRequest, endpoint_id: str, filters: Query[DeliveryFilterQuery]
) -> DeliveryPage:
    page = notifications().deliveries_list(
        owner_id=principal(request).user_id,
        endpoint_id=_uuid_or_404(endpoint_id),
        filters=DeliveryFilter(
            status=filters.status,
            event_type=filters.event_type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        page=filters.page_request(),
    )
    return DeliveryPage(items=[delivery_out(d) for d in page.items], next_cursor=page.next_cursor)


@router.get(
    "/webhook-deliveries/{delivery_id}",
    response={200: DeliveryDetailOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Get a delivery with every attempt (by id or by its msg_ webhook-id)",
)
def webhook_deliveries_get(request: HttpRequest, delivery_id: str) -> DeliveryDetailOut:
    detail = notifications().delivery_get(owner_id=principal(request).user_id, delivery_id=_delivery_id(delivery_id))
    return DeliveryDetailOut(
        **delivery_out(detail.delivery).model_dump(),
        payload=json.loads(detail.delivery.body),
        attempts=[attempt_out(a) for a in detail.attempts],
    )


@router.post(
    "/webhook-deliveries/{delivery_id}/retry",
    response={202: DeliveryOut, **PROBLEM_RESPONSES},
    auth=MERCHANT,
    summary="Send a delivery again now (same webhook-id)",
)
@idempotent
def webhook_deliveries_retry(request: HttpRequest, delivery_id: str) -> Status[DeliveryOut]:
    delivery = notifications().delivery_retry(
        owner_id=principal(request).user_id, delivery_id=_delivery_id(delivery_id)
    )
    return Status(202, delivery_out(delivery))
