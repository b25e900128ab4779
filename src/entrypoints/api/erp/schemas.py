"""ERP sync schemas and their mapper."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from domain.erp.sync import SyncRecord
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema

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
