"""ERP sync admin routes: where every business partner and journal entry stands in SAP, and resync."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.erp.ports import SyncFilter
from application.erp.services import ErpServices
from domain.erp.sync import SyncKind, SyncStatus
from entrypoints.api.auth import ADMIN
from entrypoints.api.erp.schemas import ResyncIn, SyncListQuery, SyncPage, SyncRecordOut, record_out
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["erp"])


def erp() -> ErpServices:
    return container().erp


@router.get(
    "/sync",
    response={200: SyncPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="erp_sync_list",
    summary="List ERP sync records (admin)",
)
def erp_sync_list(request: HttpRequest, filters: Query[SyncListQuery]) -> SyncPage:
    page = erp().sync_records_list(
        filters=SyncFilter(
            kind=SyncKind(filters.kind) if filters.kind else None,
            status=SyncStatus(filters.status) if filters.status else None,
        ),
        page=filters.page_request(),
    )
    return SyncPage(items=[record_out(r) for r in page.items], next_cursor=page.next_cursor)


_RESYNC_DOC: dict[str, Any] = {
    "response": {202: SyncRecordOut, **PROBLEM_RESPONSES},
    "auth": ADMIN,
    "operation_id": "erp_resync",
    "summary": "Sync a record again (admin)",
    "description": "Puts the record back to `pending` and queues a fresh attempt with a fresh retry budget. "
    "A business partner is upserted again with the distributor's current data; a journal entry already "
    "posted is 409 `already_synced`; an unknown record is 404.",
}


@router.post("/resync", **_RESYNC_DOC)
@idempotent
def erp_resync(request: HttpRequest, payload: ResyncIn) -> Status[SyncRecordOut]:
    return Status(202, record_out(erp().sync_resync(kind=SyncKind(payload.kind), object_id=payload.id.strip())))
