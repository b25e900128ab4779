"""The ERP sync record repository: the only code that touches ``erp_sync_record``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from adapters.django_orm.erp.models import ErpSyncRecord as SyncRow
from adapters.django_orm.shared.keyset import keyset_page, uuid_cursor_id
from application.erp.ports import SyncFilter
from application.shared.pagination import Page, PageRequest
from domain.erp.sync import SyncKind, SyncRecord, SyncStatus


def sync_to_domain(row: SyncRow) -> SyncRecord:
    return SyncRecord(
        kind=SyncKind(row.kind),
        object_id=row.object_id,
        status=SyncStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        sap_id=row.sap_id,
        payload=dict(row.payload or {}),
        livemode=row.livemode,
        created_at=row.created_at,
        updated_at=row.updated_at,
        synced_at=row.synced_at,
    )


class DjangoSyncRecordRepository:
    def get(self, kind: SyncKind, object_id: str) -> SyncRecord | None:
        row = SyncRow.objects.filter(kind=kind.value, object_id=object_id).first()
        return sync_to_domain(row) if row is not None else None

    def add_if_absent(self, record: SyncRecord) -> bool:
        try:
            with transaction.atomic():
                SyncRow.objects.create(
                    kind=record.kind.value,
                    object_id=record.object_id,
                    status=record.status.value,
                    attempts=record.attempts,
                    last_error=record.last_error,
                    sap_id=record.sap_id,
                    payload=record.payload,
                    livemode=record.livemode,
                    created_at=record.created_at,
                    updated_at=record.updated_at,
                    synced_at=record.synced_at,
                )
        except IntegrityError:
            return False
        return True

    def claim(self, kind: SyncKind, object_id: str, *, now: datetime, lease: timedelta) -> SyncRecord | None:
        # One conditional UPDATE decides, whatever the backend: only one worker holds a record at a time.
        free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
        won = SyncRow.objects.filter(free, kind=kind.value, object_id=object_id).update(locked_until=now + lease)
        if not won:
            return None
        return self.get(kind, object_id)

    def save(self, record: SyncRecord, *, keep_claim: bool = False) -> None:
        fields: dict[str, object] = {
            "status": record.status.value,
            "attempts": record.attempts,
            "last_error": record.last_error,
            "sap_id": record.sap_id,
            "payload": record.payload,
            "livemode": record.livemode,
            "updated_at": record.updated_at,
            "synced_at": record.synced_at,
        }
        if not keep_claim:
            fields["locked_until"] = None
        SyncRow.objects.filter(kind=record.kind.value, object_id=record.object_id).update(**fields)

    def for_objects(self, kind: SyncKind, object_ids: list[str]) -> dict[str, SyncRecord]:
        rows = SyncRow.objects.filter(kind=kind.value, object_id__in=object_ids)
        return {row.object_id: sync_to_domain(row) for row in rows}

    def list(self, filters: SyncFilter, page: PageRequest) -> Page[SyncRecord]:
        rows = SyncRow.objects.all()
        if filters.kind is not None:
            rows = rows.filter(kind=filters.kind.value)
        if filters.status is not None:
            rows = rows.filter(status=filters.status.value)
        return keyset_page(rows, page, sync_to_domain, cursor_id=uuid_cursor_id)

    def iterate(self, kind: SyncKind) -> Iterator[SyncRecord]:
        for row in SyncRow.objects.filter(kind=kind.value).order_by("created_at", "id").iterator(chunk_size=500):
            yield sync_to_domain(row)
