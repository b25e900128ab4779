"""Outbox persistence: the writer used inside units of work and the store used by workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adapters.django_orm.platform.models import OutboxMessage
from application.shared.outbox import DEFAULT_MAX_ATTEMPTS, ClaimedMessage

Dispatch = Callable[[str], None]


class DjangoOutbox:
    """Writes outbox rows in the caller's transaction and, after commit, nudges a worker.

    The nudge is only a latency shortcut; the sweeper finds anything it misses.
    """

    def __init__(self, dispatch: Dispatch | None = None, max_attempts: dict[str, int] | None = None) -> None:
        self._dispatch = dispatch
        self._max_attempts = max_attempts or {}

    def add(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        now = timezone.now()
        message = OutboxMessage(
            topic=topic,
            payload=payload,
            dedupe_key=dedupe_key,
            max_attempts=self._max_attempts.get(topic, DEFAULT_MAX_ATTEMPTS),
            next_attempt_at=not_before or now,
            created_at=now,
        )
        if dedupe_key is not None:
            # ON CONFLICT DO NOTHING: the same side effect asked for twice is one side effect, in one
            # statement (a savepoint + insert + release costs three round trips on the hot path).
            OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)
        else:
            message.save(force_insert=True)
        if self._dispatch is not None and (not_before is None or not_before <= now):
            message_id = str(message.id)
            dispatch = self._dispatch
            transaction.on_commit(lambda: dispatch(message_id))


class DjangoOutboxStore:
    def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> ClaimedMessage | None:
        # One conditional UPDATE: only one worker can win a row, whatever the backend.
        claimable = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
            status=OutboxMessage.Status.PROCESSING, locked_until__lt=now
        )
        with transaction.atomic():
            won = OutboxMessage.objects.filter(claimable, pk=message_id).update(
                status=OutboxMessage.Status.PROCESSING, locked_until=now + lease
            )
            if not won:
                return None
            row = OutboxMessage.objects.get(pk=message_id)
            row.attempts += 1
            row.save(update_fields=["attempts"])
        return ClaimedMessage(
            id=str(row.id),
            topic=row.topic,
            payload=row.payload,
            attempts=row.attempts,
            max_attempts=row.max_attempts,
        )

    def mark_done(self, message_id: str, *, now: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.DONE, processed_at=now, locked_until=None, last_error=""
        )

    def mark_retry(self, message_id: str, *, error: str, next_attempt_at: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=next_attempt_at, locked_until=None, last_error=error
        )

    def mark_dead(self, message_id: str, *, error: str, now: datetime) -> None:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.DEAD, processed_at=now, locked_until=None, last_error=error
        )

    def due_ids(self, *, now: datetime, limit: int) -> list[str]:
        due = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
            status=OutboxMessage.Status.PROCESSING, locked_until__lt=now
        )
        ids = OutboxMessage.objects.filter(due).order_by("next_attempt_at").values_list("id", flat=True)[:limit]
        return [str(i) for i in ids]

    def requeue(self, message_id: str, *, now: datetime) -> bool:
        """Give a dead (or stuck) message a fresh set of attempts; used from the admin."""
        return bool(
            OutboxMessage.objects.filter(pk=message_id)
            .exclude(status=OutboxMessage.Status.DONE)
            .update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=now, locked_until=None)
        )
