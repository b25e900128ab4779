"""ERP sync admin routes: where every business partner and journal entry stands in SAP, and resync."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from application.erp.ports import SyncFilter
from domain.erp.sync import SyncKind, SyncRecord, SyncStatus
from entrypoints.api.auth import ADMIN
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import erp

router = Router(tags=["erp"])

KindName = Literal["business_partner", "journal_entry", "journal_reversal"]
StatusName = Literal["pending", "synced", "failed"]


class SyncRecordOut(Schema):
    kind: KindName
    id: str = Field(
        description="The distributor id (business_partner), payment id (journal_entry) or refund id (journal_reversal)"
    )
    sync_status: StatusName
    attempts: int = Field(description="Calls to SAP started so far")
    last_error: str | None = Field(description="Why the latest attempt failed (kept while retrying)")
    sap_id: str | None = Field(
        description="BusinessPartner number, or `company code/AccountingDocument/FiscalYear` for a journal entry"
    )
    livemode: bool = Field(description="false when synced with the SAP simulator rather than a real SAP system")
    created_at: datetime
    updated_at: datetime
    synced_at: datetime | None


class SyncPage(Schema):
    items: list[SyncRecordOut]
    next_cursor: str | None


class SyncListQuery(PageQuery):
    kind: KindName | None = None
    status: StatusName | None = None


class ResyncIn(InputSchema):
    kind: KindName
    id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")


def record_out(record: SyncRecord) -> SyncRecordOut:
    return SyncRecordOut(
        kind=record.kind.value,  # type: ignore[arg-type]
        id=record.object_id,
        sync_status=record.status.value,  # type: ignore[arg-type]
        attempts=record.attempts,
        last_error=record.last_error or None,
        sap_id=record.sap_id or None,
        livemode=record.livemode,
        created_at=record.created_at,
        updated_at=record.updated_at,
        synced_at=record.synced_at,
    )


@router.get(
    "/sync",
    response={200: SyncPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="erp_sync_list",
    summary="List ERP sync records (admin)",
)
def erp_sync_list(request: HttpRequest, filters: Query[SyncListQuery]) -> SyncPage:
    page = erp.list_sync(
        SyncFilter(
            kind=SyncKind(filters.kind) if filters.kind else None,
            status=SyncStatus(filters.status) if filters.status else None,
        ),
        filters.page_request(),
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
    return Status(202, record_out(erp.resync(SyncKind(payload.kind), payload.id.strip())))
