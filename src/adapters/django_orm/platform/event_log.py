"""The event log table: written with the business change, read by the events API and subscribers."""

from __future__ import annotations

from django.db import transaction

from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.models import EventRecord
from application.shared.events import StoredEvent


def event_to_domain(row: EventRecord) -> StoredEvent:
    return StoredEvent(id=row.id, type=row.type, owner_id=row.owner_id, data=row.data, created_at=row.created_at)


class DjangoEventLog:
    def append(self, *events: StoredEvent) -> None:
        # Held by the open unit of work, sent with its other writes before it commits. The batch is
        # looked up once for all of them; each row names every column (no model defaults to fill in).
        batch = write_batch.current_batch()
        db = batch.connection if batch is not None else transaction.get_connection()
        for event in events:
            row = {
                "id": event.id,
                "type": event.type,
                "owner_id": event.owner_id,
                "data": event.data,
                "created_at": event.created_at,
            }
            if batch is None:
                write_batch.insert_values(EventRecord, row, connection=db)  # no unit of work open: at once
            else:
                batch.insert(EventRecord, row)

    def get(self, event_id: str) -> StoredEvent | None:
        row = EventRecord.objects.filter(pk=event_id).first()
        return event_to_domain(row) if row else None
