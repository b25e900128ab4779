"""Inbound events on the Django ORM: the only code that touches InboundEventRecord.objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.db.models import F, QuerySet

from adapters.django_orm.gateways.models import InboundEventRecord
from adapters.django_orm.shared.keyset import keyset_page
from adapters.django_orm.shared.rows import parse_uuid, row_by_id
from application.gateways.ports import InboundEventFilter, PendingRefund
from application.shared.pagination import Page, PageRequest
from domain.gateways.inbound_event import InboundEvent, InboundSource, InboundStatus


class DjangoInboundEventRepository:
    def add(self, event: InboundEvent) -> None:
        InboundEventRecord.objects.create(**_fields(event))

    def add_if_absent(self, event: InboundEvent) -> tuple[InboundEvent, bool]:
        # One statement decides under any concurrency: INSERT ... ON CONFLICT DO NOTHING RETURNING
        # (PostgreSQL, and SQLite >= 3.35). A concurrent insert of the same key waits for the first
        # transaction and then returns nothing; the SELECT that follows sees the committed row.
        row = InboundEventRecord(**_fields(event))
        sql, params = _insert_ignoring_conflict(row)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.fetchone()
        if inserted is not None:
            return event, True
        stored = InboundEventRecord.objects.get(source=event.source.value, dedupe_key=event.dedupe_key)
        return _to_domain(stored), False

    def record_redelivery(self, event_id: str, *, now: datetime) -> None:
        InboundEventRecord.objects.filter(pk=parse_uuid(event_id)).update(
            deliveries=F("deliveries") + 1, last_received_at=now
        )

    def get(self, event_id: str) -> InboundEvent | None:
        row = row_by_id(InboundEventRecord.objects, event_id)
        return _to_domain(row) if row else None

    def get_for_update(self, event_id: str) -> InboundEvent | None:
        row = row_by_id(InboundEventRecord.objects, event_id, for_update=True)
        return _to_domain(row) if row else None

    def save(self, event: InboundEvent) -> None:
        InboundEventRecord.objects.filter(pk=event.id).update(
            status=event.status.value,
            dedupe_key=event.dedupe_key,
            outcome=event.outcome,
            error=event.error,
            attempts=event.attempts,
            processed_at=event.processed_at,
        )

    def list(self, filters: InboundEventFilter, page: PageRequest) -> Page[InboundEvent]:
        rows: QuerySet[InboundEventRecord] = InboundEventRecord.objects.all()
        if filters.source is not None:
            rows = rows.filter(source=filters.source.value)
        if filters.status is not None:
            rows = rows.filter(status=filters.status.value)
        if filters.signature_valid is not None:
            rows = rows.filter(signature_valid=filters.signature_valid)
        if filters.payment_id is not None:
            rows = rows.filter(payment_id=filters.payment_id)
        return keyset_page(rows, page, _to_domain, time_field="received_at")


def pending_gateway_refunds(*, methods: Sequence[str], limit: int) -> list[PendingRefund]:
    """Refunds a hosted gateway accepted as pending, oldest first (for the refund status job).

    Intents it never answered (``accepted_at`` unset) belong to the payments recovery job instead."""
    from adapters.django_orm.payments.models import RefundRecord

    rows = (
        RefundRecord.objects.filter(status="pending", accepted_at__isnull=False, payment__method__in=list(methods))
        .order_by("created_at")
        .values_list("id", "payment_id", "payment__method", "gateway_reference")[:limit]
    )
    return [PendingRefund(str(r), str(p), str(m), str(ref or "")) for r, p, m, ref in rows]


def _insert_ignoring_conflict(row: InboundEventRecord) -> tuple[str, list[object]]:
    meta = InboundEventRecord._meta
    quote = connection.ops.quote_name
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = ", ".join(quote(meta.get_field(name).column) for name in ("source", "dedupe_key"))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - names from model meta
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    return sql, params


def _fields(event: InboundEvent) -> dict[str, object]:
    return {
        "id": event.id,
        "source": event.source.value,
        "event_type": event.event_type,
        "dedupe_key": event.dedupe_key,
        "headers": event.headers,
        "body": event.body,
        "signature_valid": event.signature_valid,
        "status": event.status.value,
        "outcome": event.outcome,
        "error": event.error,
        "payment_id": event.payment_id,
        "attempts": event.attempts,
        "deliveries": event.deliveries,
        "received_at": event.received_at,
        "last_received_at": event.last_received_at,
        "processed_at": event.processed_at,
    }


def _to_domain(row: InboundEventRecord) -> InboundEvent:
    return InboundEvent(
        id=row.id,
        source=InboundSource(row.source),
        event_type=row.event_type,
        dedupe_key=row.dedupe_key,
        headers={str(k): str(v) for k, v in (row.headers or {}).items()},
        body=row.body,
        signature_valid=row.signature_valid,
        status=InboundStatus(row.status),
        outcome=row.outcome,
        error=row.error,
        payment_id=row.payment_id,
        attempts=row.attempts,
        deliveries=row.deliveries,
        received_at=row.received_at,
        last_received_at=row.last_received_at,
        processed_at=row.processed_at,
    )
