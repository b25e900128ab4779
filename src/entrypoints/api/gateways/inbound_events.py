"""The admin's view of stored gateway webhooks and IPNs (``/api/v1/admin/inbound-events``): list, read, replay."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from application.gateways.ports import InboundEventFilter
from application.gateways.services import GatewaysServices
from entrypoints.api.auth import ADMIN
from entrypoints.api.gateways.schemas import InboundEventOut, InboundEventPage, InboundEventQuery, event_out
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["gateways"])


def gateways() -> GatewaysServices:
    return container().gateways


@router.get(
    "/inbound-events",
    response={200: InboundEventPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_inbound_events_list",
    summary="List stored gateway webhooks and IPNs, newest first",
)
def admin_inbound_events_list(request: HttpRequest, filters: Query[InboundEventQuery]) -> InboundEventPage:
    page = gateways().inbound_events_list(
        filters=InboundEventFilter(
            source=filters.source,
            status=filters.status,
            signature_valid=filters.signature_valid,
            payment_id=filters.payment_id,
        ),
        page=filters.page_request(),
    )
    return InboundEventPage(items=[event_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.get(
    "/inbound-events/{event_id}",
    response={200: InboundEventOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_inbound_events_get",
)
def admin_inbound_events_get(request: HttpRequest, event_id: str) -> InboundEventOut:
    return event_out(gateways().inbound_event_get(event_id=event_id))


@router.post(
    "/inbound-events/{event_id}/replay",
    response={200: InboundEventOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_inbound_events_replay",
    summary="Process a stored, authentic event again (effects are idempotent)",
    description="409 `event_not_replayable` for an event whose signature was invalid.",
)
@idempotent
def admin_inbound_events_replay(request: HttpRequest, event_id: str) -> InboundEventOut:
    return event_out(gateways().inbound_event_replay(event_id=event_id))
