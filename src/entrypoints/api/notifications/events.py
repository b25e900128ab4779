"""The event log routes: what deliveries are made from (merchants: their own events; admins: all)."""

from __future__ import annotations

import re

from django.http import HttpRequest
from ninja import Query, Router

from application.notifications.ports import EventFilter
from application.notifications.services import NotificationsServices
from application.shared.errors import NotFound
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.notifications.schemas import EventFilterQuery, EventOut, EventPage, event_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["events"])

MERCHANT_OR_ADMIN = auth_for(Role.MERCHANT, Role.ADMIN)
_EVENT_ID = re.compile(r"^[A-Za-z0-9_]{1,40}$")


def notifications() -> NotificationsServices:
    return container().notifications


@router.get(
    "/events",
    response={200: EventPage, **PROBLEM_RESPONSES},
    auth=MERCHANT_OR_ADMIN,
    summary="List events (merchants: their own; admins: all)",
)
def events_list(request: HttpRequest, filters: Query[EventFilterQuery]) -> EventPage:
    page = notifications().events_list(
        principal=principal(request),
        filters=EventFilter(
            owner_id=filters.owner_id,
            type=filters.type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        page=filters.page_request(),
    )
    return EventPage(items=[event_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.get(
    "/events/{event_id}",
    response={200: EventOut, **PROBLEM_RESPONSES},
    auth=MERCHANT_OR_ADMIN,
    summary="Get an event",
)
def events_get(request: HttpRequest, event_id: str) -> EventOut:
    if not _EVENT_ID.match(event_id):
        raise NotFound("No such event")
    return event_out(notifications().event_get(principal=principal(request), event_id=event_id))
