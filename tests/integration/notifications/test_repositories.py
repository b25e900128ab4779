"""The webhook endpoint and delivery repositories on the real database, through their ports."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.notifications.models import WebhookEndpoint as EndpointRow
from adapters.django_orm.notifications.repositories import DjangoDeliveryRepository, DjangoEndpointRepository
from application.notifications.ports import DeliveryFilter, DeliveryRepository, EndpointRepository
from application.shared.pagination import PageRequest
from domain.notifications.delivery import AttemptTrigger, Delivery, DeliveryAttempt, DeliveryStatus
from domain.notifications.endpoint import WebhookEndpoint
from tests.factories.notifications import WebhookDeliveryFactory, WebhookEndpointFactory
from tests.integration.repository_checks import NOW, assert_locks_row, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoints() -> EndpointRepository:
    return DjangoEndpointRepository()


@pytest.fixture
def deliveries() -> DeliveryRepository:
    return DjangoDeliveryRepository()


def _endpoint(**overrides: object) -> WebhookEndpoint:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "owner_id": "merchant-1",
        "url": "https://hooks.example.com/pp?x=1",
        "events": ("payment.*", "refund.succeeded"),
        "description": "Shop — production",
        "secret": "whsec_current",
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=1),
        "enabled": False,
        "disabled_reason": "failing",
        "disabled_at": NOW + timedelta(days=3),
        "previous_secret": "whsec_previous",
        "previous_secret_expires_at": NOW + timedelta(hours=24),
        "failing_since": NOW + timedelta(days=1),
        "origin": "registration:merchant-1",
    }
    fields.update(overrides)
    return WebhookEndpoint(**fields)  # type: ignore[arg-type]


def _delivery(endpoint_id: str, **overrides: object) -> Delivery:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "endpoint_id": endpoint_id,
        "owner_id": "merchant-1",
        "event_id": f"evt_{uuid.uuid4().hex}",
        "event_type": "payment.captured",
        "body": '{"type":"payment.captured","data":{"amount":"1500.50"}}',
        "created_at": NOW,
        "status": DeliveryStatus.FAILED,
        "run": 2,
        "attempt_count": 7,
        "next_attempt_at": NOW + timedelta(hours=1),
        "last_attempt_at": NOW + timedelta(minutes=30),
        "last_status_code": 503,
        "last_error": "Service Unavailable",
        "delivered_at": None,
    }
    fields.update(overrides)
    return Delivery(**fields)  # type: ignore[arg-type]


# --- endpoints ----------------------------------------------------------------------------------


def test_an_endpoint_round_trips_every_field_with_its_secrets_in_clear(endpoints):
    # Sealing at rest is tests/integration/platform/test_secrets_at_rest.py's subject.
    endpoint = _endpoint()
    assert endpoints.add(endpoint)
    assert endpoints.get(endpoint.id) == endpoint


def test_one_endpoint_per_origin(endpoints):
    assert endpoints.add(_endpoint())
    assert not endpoints.add(_endpoint())
    assert endpoints.add(_endpoint(origin=""))
    assert endpoints.add(_endpoint(origin=""))
    assert EndpointRow.objects.count() == 3


def test_get_is_scoped_to_the_owner_and_hides_deleted_endpoints(endpoints):
    endpoint = _endpoint(origin="")
    endpoints.add(endpoint)
    assert endpoints.get(endpoint.id, owner_id="merchant-1") == endpoint
    assert endpoints.get(endpoint.id, owner_id="merchant-2") is None
    assert endpoints.get(str(uuid.uuid4())) is None
    endpoints.save(replace(endpoint, deleted_at=NOW + timedelta(days=9)))
    assert endpoints.get(endpoint.id) is None
    assert endpoints.list_for_owner("merchant-1", PageRequest()).items == []


def test_a_malformed_endpoint_id_is_none(endpoints):
    assert endpoints.get("not-a-uuid") is None


def test_saving_writes_every_field(endpoints):
    endpoint = _endpoint()
    endpoints.add(endpoint)
    rotated = replace(
        endpoint,
        url="https://new.example.com/",
        events=("*",),
        description="",
        secret="whsec_new",
        previous_secret="whsec_current",
        enabled=True,
        disabled_reason="",
        disabled_at=None,
        failing_since=None,
        updated_at=NOW + timedelta(days=5),
    )
    endpoints.save(rotated)
    assert endpoints.get(endpoint.id) == rotated


def test_endpoints_page_per_owner(endpoints):
    rows = [WebhookEndpointFactory(owner_id="m-1", created_at=NOW + timedelta(seconds=n)) for n in range(3)]
    WebhookEndpointFactory(owner_id="m-2")
    pages = walk(lambda page: endpoints.list_for_owner("m-1", page), limit=2)
    assert [e.id for page in pages for e in page] == [str(r.id) for r in reversed(rows)]


def test_subscribed_matches_event_patterns_of_live_endpoints(endpoints):
    everything = WebhookEndpointFactory(owner_id="m", events=["*"], created_at=NOW)
    payments = WebhookEndpointFactory(owner_id="m", events=["payment.*"], created_at=NOW + timedelta(seconds=1))
    WebhookEndpointFactory(owner_id="m", events=["refund.succeeded"])
    WebhookEndpointFactory(owner_id="m", events=["*"], enabled=False)
    WebhookEndpointFactory(owner_id="m", events=["*"], deleted_at=NOW)
    WebhookEndpointFactory(owner_id="other", events=["*"])
    found = endpoints.subscribed(owner_id="m", event_type="payment.captured")
    assert [e.id for e in found] == [str(everything.id), str(payments.id)]


def test_failing_since_is_set_once_and_cleared_when_healthy(endpoints):
    row = WebhookEndpointFactory()
    assert endpoints.mark_failing(str(row.id), now=NOW) == NOW
    assert endpoints.mark_failing(str(row.id), now=NOW + timedelta(hours=1)) == NOW
    endpoints.mark_healthy(str(row.id))
    found = endpoints.get(str(row.id))
    assert found is not None
    assert found.failing_since is None


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_endpoint_row(endpoints):
    row = WebhookEndpointFactory()
    assert assert_locks_row(lambda: endpoints.get(str(row.id), for_update=True)).id == str(row.id)


# --- deliveries ---------------------------------------------------------------------------------


def test_deliveries_round_trip_and_are_once_per_endpoint_and_event(deliveries):
    endpoint = WebhookEndpointFactory(owner_id="merchant-1")
    other = WebhookEndpointFactory(owner_id="merchant-1")
    first = _delivery(str(endpoint.id))
    second = _delivery(str(other.id), event_id=first.event_id, status=DeliveryStatus.PENDING)
    deliveries.add_all([first, second])
    assert deliveries.get(first.id) == first
    assert deliveries.get(first.id, owner_id="someone-else") is None
    assert deliveries.endpoints_with_delivery(first.event_id) == {str(endpoint.id), str(other.id)}
    with pytest.raises(IntegrityError), transaction.atomic():
        deliveries.add_all([_delivery(str(endpoint.id), event_id=first.event_id)])


def test_get_with_endpoint_hides_a_deleted_endpoint(deliveries):
    endpoint = WebhookEndpointFactory(owner_id="merchant-1")
    delivery = _delivery(str(endpoint.id))
    deliveries.add_all([delivery])
    found = deliveries.get_with_endpoint(delivery.id)
    assert found is not None
    assert found[0] == delivery
    assert found[1] is not None
    assert (found[1].id, found[1].secret) == (str(endpoint.id), endpoint.secret)
    EndpointRow.objects.filter(pk=endpoint.pk).update(deleted_at=NOW)
    assert deliveries.get_with_endpoint(delivery.id) == (delivery, None)
    assert deliveries.get_with_endpoint(str(uuid.uuid4())) is None


def test_saving_only_when_nobody_else_moved_the_delivery(deliveries):
    delivery = _delivery(str(WebhookEndpointFactory().id), status=DeliveryStatus.PENDING, run=1, attempt_count=2)
    deliveries.add_all([delivery])
    done = replace(delivery, status=DeliveryStatus.SUCCEEDED, attempt_count=3, delivered_at=NOW, last_status_code=200)
    assert not deliveries.save_if_unchanged(done, run=1, attempt_count=1)
    assert deliveries.save_if_unchanged(done, run=1, attempt_count=2)
    assert deliveries.get(delivery.id) == done
    retried = replace(done, status=DeliveryStatus.PENDING, run=2, attempt_count=0, delivered_at=None)
    deliveries.save(retried)
    assert deliveries.get(delivery.id) == retried


def test_attempts_are_kept_in_order(deliveries):
    row = WebhookDeliveryFactory()
    attempts = [
        DeliveryAttempt(
            id=str(uuid.uuid4()),
            delivery_id=str(row.id),
            number=n,
            run=1,
            trigger=AttemptTrigger.MANUAL if n == 2 else AttemptTrigger.SCHEDULED,
            attempted_at=NOW + timedelta(minutes=n),
            webhook_timestamp=1768473015 + n,
            status_code=None if n == 1 else 500,
            duration_ms=120 * n,
            response_body="oops" if n == 2 else "",
            error="timeout" if n == 1 else "",
        )
        for n in (2, 1)
    ]
    for attempt in attempts:
        deliveries.add_attempt(attempt)
    assert deliveries.attempts(str(row.id)) == list(reversed(attempts))


def test_deliveries_page_and_filter_without_their_bodies(deliveries):
    endpoint = WebhookEndpointFactory()
    rows = [
        WebhookDeliveryFactory(
            endpoint=endpoint,
            event_type="payment.captured" if n % 2 else "refund.succeeded",
            status="failed" if n < 2 else "succeeded",
            created_at=NOW + timedelta(minutes=n),
        )
        for n in range(5)
    ]
    WebhookDeliveryFactory()
    pages = walk(lambda page: deliveries.list_for_endpoint(str(endpoint.id), DeliveryFilter(), page), limit=2)
    listed = [d for page in pages for d in page]
    assert [d.id for d in listed] == [str(r.id) for r in reversed(rows)]
    assert all(d.body == "" for d in listed)

    def ids(**filters: object) -> set[str]:
        page = deliveries.list_for_endpoint(str(endpoint.id), DeliveryFilter(**filters), PageRequest())  # type: ignore[arg-type]
        return {d.id for d in page.items}

    assert ids(status=DeliveryStatus.FAILED) == {str(rows[0].id), str(rows[1].id)}
    assert ids(event_type="payment.*") == {str(rows[1].id), str(rows[3].id)}
    assert ids(created_after=NOW + timedelta(minutes=3)) == {str(rows[3].id), str(rows[4].id)}
    assert ids(created_before=NOW + timedelta(minutes=1)) == {str(rows[0].id)}


def test_failed_between_is_a_window_of_failures_oldest_first(deliveries):
    endpoint = WebhookEndpointFactory()
    rows = [
        WebhookDeliveryFactory(endpoint=endpoint, status="failed", created_at=NOW + timedelta(hours=n))
        for n in range(4)
    ]
    WebhookDeliveryFactory(endpoint=endpoint, status="succeeded", created_at=NOW + timedelta(hours=1))
    with transaction.atomic():
        found = deliveries.failed_between(
            str(endpoint.id), since=NOW + timedelta(hours=1), until=NOW + timedelta(hours=3), limit=10
        )
        assert [d.id for d in found] == [str(rows[1].id), str(rows[2].id)]
        assert len(deliveries.failed_between(str(endpoint.id), since=NOW, until=NOW + timedelta(days=1), limit=3)) == 3
