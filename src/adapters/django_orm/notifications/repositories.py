"""Webhook endpoints, deliveries and the event log on the Django ORM: the only code touching their .objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from adapters.django_orm.notifications import hot_path, models
from adapters.django_orm.platform.event_log import event_to_domain
from adapters.django_orm.platform.models import EventRecord
from adapters.django_orm.shared.keyset import keyset_page
from adapters.django_orm.shared.rows import first_row, row_by_id
from application.notifications.ports import DeliveryFilter, EventFilter
from application.shared.events import StoredEvent
from application.shared.pagination import Page, PageRequest
from domain.notifications.delivery import AttemptTrigger, Delivery, DeliveryAttempt, DeliveryStatus
from domain.notifications.endpoint import WebhookEndpoint, matches


def endpoint_to_domain(row: models.WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=str(row.id),
        owner_id=row.owner_id,
        url=row.url,
        events=tuple(row.events),
        description=row.description,
        secret=row.secret,
        created_at=row.created_at,
        updated_at=row.updated_at,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        disabled_at=row.disabled_at,
        previous_secret=row.previous_secret,
        previous_secret_expires_at=row.previous_secret_expires_at,
        failing_since=row.failing_since,
        origin=row.origin or "",
        deleted_at=row.deleted_at,
    )


def _endpoint_fields(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "owner_id": endpoint.owner_id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "secret": endpoint.secret,
        "previous_secret": endpoint.previous_secret,
        "previous_secret_expires_at": endpoint.previous_secret_expires_at,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "disabled_at": endpoint.disabled_at,
        "failing_since": endpoint.failing_since,
        "origin": endpoint.origin or None,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
        "deleted_at": endpoint.deleted_at,
    }


class DjangoEndpointRepository:
    def add(self, endpoint: WebhookEndpoint) -> bool:
        row = models.WebhookEndpoint(id=endpoint.id, **_endpoint_fields(endpoint))
        if not endpoint.origin:
            row.save(force_insert=True)
            return True
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            return False  # this origin (a user's sign-up URL) already made its endpoint
        return True

    def get(self, endpoint_id: str, *, owner_id: str | None = None, for_update: bool = False) -> WebhookEndpoint | None:
        rows = models.WebhookEndpoint.objects.filter(deleted_at__isnull=True)
        if owner_id is not None:
            rows = rows.filter(owner_id=owner_id)
        row = row_by_id(rows, endpoint_id, for_update=for_update)
        return endpoint_to_domain(row) if row is not None else None

    def list_for_owner(self, owner_id: str, page: PageRequest) -> Page[WebhookEndpoint]:
        rows = models.WebhookEndpoint.objects.filter(owner_id=owner_id, deleted_at__isnull=True)
        return keyset_page(rows, page, endpoint_to_domain)

    def save(self, endpoint: WebhookEndpoint) -> None:
        models.WebhookEndpoint.objects.filter(pk=endpoint.id).update(**_endpoint_fields(endpoint))

    def subscribed(self, *, owner_id: str, event_type: str) -> list[WebhookEndpoint]:
        # A merchant has a handful of endpoints: their patterns are matched here rather than in SQL.
        rows = models.WebhookEndpoint.objects.filter(owner_id=owner_id, enabled=True, deleted_at__isnull=True)
        found = [endpoint_to_domain(row) for row in rows.order_by("created_at", "id")]
        return [e for e in found if matches(e.events, event_type)]

    def mark_healthy(self, endpoint_id: str) -> None:
        # Conditional, so the common case (already healthy) writes nothing.
        models.WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=False).update(failing_since=None)

    def mark_failing(self, endpoint_id: str, *, now: datetime) -> datetime | None:
        models.WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(failing_since=now)
        since: datetime | None = (
            models.WebhookEndpoint.objects.filter(pk=endpoint_id).values_list("failing_since", flat=True).first()
        )
        return since


def delivery_to_domain(row: models.WebhookDelivery) -> Delivery:
    return Delivery(
        id=str(row.id),
        endpoint_id=str(row.endpoint_id),
        owner_id=row.owner_id,
        event_id=row.event_id,
        event_type=row.event_type,
        body=row.body,
        created_at=row.created_at,
        status=DeliveryStatus(row.status),
        run=row.run,
        attempt_count=row.attempt_count,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


def attempt_to_domain(row: models.WebhookAttempt) -> DeliveryAttempt:
    return DeliveryAttempt(
        id=str(row.id),
        delivery_id=str(row.delivery_id),
        number=row.number,
        run=row.run,
        trigger=AttemptTrigger(row.trigger),
        attempted_at=row.attempted_at,
        webhook_timestamp=row.webhook_timestamp,
        status_code=row.status_code,
        duration_ms=row.duration_ms,
        response_body=row.response_body,
        error=row.error,
    )


class DjangoDeliveryRepository:
    def endpoints_with_delivery(self, event_id: str) -> set[str]:
        ids = models.WebhookDelivery.objects.filter(event_id=event_id).values_list("endpoint_id", flat=True)
        return {str(i) for i in ids}

    def add_all(self, deliveries: Sequence[Delivery]) -> None:
        # One INSERT for all; the unique (endpoint, event) constraint refuses a concurrent duplicate.
        models.WebhookDelivery.objects.bulk_create([_delivery_row(d) for d in deliveries])

    def get(self, delivery_id: str, *, owner_id: str | None = None, for_update: bool = False) -> Delivery | None:
        rows = models.WebhookDelivery.objects.filter(pk=delivery_id)
        if owner_id is not None:
            rows = rows.filter(owner_id=owner_id)
        row = first_row(rows, for_update=for_update)
        return delivery_to_domain(row) if row is not None else None

    # The next three run on every delivery attempt: precompiled SQL, see hot_path.py.
    def get_with_endpoint(self, delivery_id: str) -> tuple[Delivery, WebhookEndpoint | None] | None:
        found = hot_path.read_delivery_and_endpoint(delivery_id)
        if found is None:
            return None
        row, endpoint = found
        return delivery_to_domain(row), endpoint_to_domain(endpoint) if endpoint.deleted_at is None else None

    def save(self, delivery: Delivery) -> None:
        models.WebhookDelivery.objects.filter(pk=delivery.id).update(**_delivery_state(delivery))

    def save_if_unchanged(self, delivery: Delivery, *, run: int, attempt_count: int) -> bool:
        return hot_path.save_delivery_if_unchanged(
            delivery.id, _delivery_state(delivery), run=run, attempt_count=attempt_count
        )

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        hot_path.insert_attempt(
            {
                "id": attempt.id,
                "delivery_id": attempt.delivery_id,
                "number": attempt.number,
                "run": attempt.run,
                "trigger": attempt.trigger.value,
                "attempted_at": attempt.attempted_at,
                "webhook_timestamp": attempt.webhook_timestamp,
                "status_code": attempt.status_code,
                "duration_ms": attempt.duration_ms,
                "response_body": attempt.response_body,
                "error": attempt.error,
            }
        )

    def attempts(self, delivery_id: str) -> list[DeliveryAttempt]:
        rows = models.WebhookAttempt.objects.filter(delivery_id=delivery_id).order_by("number", "attempted_at")
        return [attempt_to_domain(row) for row in rows]

    def list_for_endpoint(self, endpoint_id: str, filters: DeliveryFilter, page: PageRequest) -> Page[Delivery]:
        rows: QuerySet[models.WebhookDelivery] = models.WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
        if filters.status is not None:
            rows = rows.filter(status=filters.status.value)
        if filters.event_type is not None:
            rows = rows.filter(_type_filter("event_type", filters.event_type))
        if filters.created_after is not None:
            rows = rows.filter(created_at__gte=filters.created_after)
        if filters.created_before is not None:
            rows = rows.filter(created_at__lt=filters.created_before)
        # The body can be large and lists never show it.
        return keyset_page(rows.defer("body"), page, _delivery_summary)

    def failed_between(self, endpoint_id: str, *, since: datetime, until: datetime, limit: int) -> list[Delivery]:
        rows = (
            models.WebhookDelivery.objects.select_for_update()
            .filter(
                endpoint_id=endpoint_id,
                status=models.WebhookDelivery.Status.FAILED,
                created_at__gte=since,
                created_at__lt=until,
            )
            .order_by("created_at", "id")[:limit]
        )
        return [delivery_to_domain(row) for row in rows]


def _delivery_row(delivery: Delivery) -> models.WebhookDelivery:
    return models.WebhookDelivery(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        owner_id=delivery.owner_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        created_at=delivery.created_at,
        **_delivery_state(delivery),
    )


def _delivery_state(delivery: Delivery) -> dict[str, Any]:
    return {
        "status": delivery.status.value,
        "run": delivery.run,
        "attempt_count": delivery.attempt_count,
        "next_attempt_at": delivery.next_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at,
    }


def _delivery_summary(row: models.WebhookDelivery) -> Delivery:
    row.body = ""  # deferred, and setting it keeps Django from loading it row by row
    return delivery_to_domain(row)


def _type_filter(field: str, pattern: str) -> Q:
    """An exact type, or a family ``payment.*`` (prefix match on ``payment.``)."""
    if pattern.endswith(".*"):
        return Q(**{f"{field}__startswith": pattern[:-1]})
    return Q(**{field: pattern})


class DjangoEventReader:
    def get(self, event_id: str) -> StoredEvent | None:
        row = EventRecord.objects.filter(pk=event_id).first()
        return event_to_domain(row) if row is not None else None

    def list(self, filters: EventFilter, page: PageRequest) -> Page[StoredEvent]:
        rows = EventRecord.objects.all()
        if filters.owner_id is not None:
            rows = rows.filter(owner_id=filters.owner_id)
        if filters.type is not None:
            rows = rows.filter(_type_filter("type", filters.type))
        if filters.created_after is not None:
            rows = rows.filter(created_at__gte=filters.created_after)
        if filters.created_before is not None:
            rows = rows.filter(created_at__lt=filters.created_before)
        return keyset_page(rows, page, event_to_domain)
