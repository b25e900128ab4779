"""Idempotency records: a unique (scope, key) row reserved before the work and completed with it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from adapters.django_orm.platform.models import IdempotencyRecord
from application.shared.idempotency import StoredResponse


class DjangoIdempotencyStore:
    def reserve(
        self, *, scope: str, key: str, fingerprint: str, now: datetime, lease: timedelta
    ) -> tuple[str, str, StoredResponse | None, bool]:
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, locked_until=now + lease, created_at=now
                )
            return str(record.id), fingerprint, None, True
        except IntegrityError:
            pass
        with transaction.atomic():
            record = IdempotencyRecord.objects.select_for_update().get(scope=scope, key=key)
            if record.response_status is not None:
                return (
                    str(record.id),
                    record.fingerprint,
                    StoredResponse(
                        status=record.response_status,
                        body=bytes(record.response_body or b""),
                        content_type=record.response_content_type,
                    ),
                    False,
                )
            stale = record.locked_until is not None and record.locked_until < now
            if stale and record.fingerprint == fingerprint:
                # The first attempt died without finishing: this one takes over.
                record.locked_until = now + lease
                record.save(update_fields=["locked_until"])
                return str(record.id), fingerprint, None, True
            return str(record.id), record.fingerprint, None, False

    def complete(self, record_id: str, response: StoredResponse, *, now: datetime) -> None:
        IdempotencyRecord.objects.filter(pk=record_id).update(
            response_status=response.status,
            response_body=response.body,
            response_content_type=response.content_type,
            completed_at=now,
            locked_until=None,
        )

    def release(self, record_id: str) -> None:
        IdempotencyRecord.objects.filter(pk=record_id, response_status__isnull=True).delete()

    def purge_older_than(self, cutoff: datetime) -> int:
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        return deleted
