"""The inbound provider event repository (Cashfree webhooks, SSLCommerz IPNs) on the real database."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.gateways.models import InboundEventRecord
from adapters.django_orm.gateways.repository import DjangoInboundEventRepository, pending_gateway_refunds
from application.gateways.ports import InboundEventFilter, InboundEventRepository, PendingRefund
from application.shared.pagination import PageRequest
from domain.gateways.inbound_event import InboundEvent, InboundSource, InboundStatus
from tests.concurrency import run_concurrently
from tests.factories.gateways import InboundEventFactory
from tests.factories.payments import PaymentFactory, RefundFactory
from tests.integration.repository_checks import NOW, assert_locks_row, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> InboundEventRepository:
    return DjangoInboundEventRepository()


def _event(dedupe_key: str = "cf_evt_1", **overrides: object) -> InboundEvent:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "source": InboundSource.CASHFREE,
        "event_type": "PAYMENT_SUCCESS_WEBHOOK",
        "dedupe_key": dedupe_key,
        "headers": {"x-webhook-signature": "sig==", "x-webhook-timestamp": "1768473015"},
        "body": '{"data": {"order": {"order_id": "ord_1", "order_amount": 1500.5}}, "note": "ünïcode"}',
        "signature_valid": True,
        "status": InboundStatus.PROCESSED,
        "outcome": "captured",
        "error": "",
        "payment_id": str(uuid.uuid4()),
        "attempts": 2,
        "deliveries": 3,
        "received_at": NOW,
        "last_received_at": NOW + timedelta(minutes=5),
        "processed_at": NOW + timedelta(seconds=1),
    }
    fields.update(overrides)
    return InboundEvent(**fields)  # type: ignore[arg-type]


def test_an_event_round_trips_every_field(events):
    event = _event()
    events.add(event)
    assert events.get(str(event.id)) == event


def test_add_if_absent_keeps_the_first_delivery_per_source_and_key(events):
    first = _event(status=InboundStatus.RECEIVED, outcome="", processed_at=None, attempts=0, deliveries=1)
    stored, created = events.add_if_absent(first)
    assert created
    assert stored == first
    again, created_again = events.add_if_absent(_event(body="{}", received_at=NOW + timedelta(hours=1)))
    assert not created_again
    assert again == first
    # The same key from the other provider is another event.
    _, other = events.add_if_absent(_event(source=InboundSource.SSLCOMMERZ))
    assert other
    assert InboundEventRecord.objects.count() == 2


def test_a_second_row_with_the_same_key_is_refused(events):
    events.add(_event())
    with pytest.raises(IntegrityError), transaction.atomic():
        events.add(_event())


@pytest.mark.postgres  # threads inserting at once: SQLite would serialise them or lock up
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_store_one_row(events):
    results = run_concurrently(lambda n: events.add_if_absent(_event(attempts=n)), 5)
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(created for _, created in results) == 1
    assert len({stored.id for stored, _ in results}) == 1
    assert InboundEventRecord.objects.count() == 1


def test_redelivery_counts_and_moves_the_last_arrival(events):
    event = _event(deliveries=1)
    events.add(event)
    events.record_redelivery(str(event.id), now=NOW + timedelta(hours=2))
    events.record_redelivery(str(event.id), now=NOW + timedelta(hours=3))
    found = events.get(str(event.id))
    assert found is not None
    assert (found.deliveries, found.last_received_at) == (3, NOW + timedelta(hours=3))


@pytest.mark.parametrize("event_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_event_id_is_none(events, event_id):
    InboundEventFactory()
    assert events.get(event_id) is None
    with transaction.atomic():
        assert events.get_for_update(event_id) is None


def test_save_writes_the_processing_state(events):
    event = _event(status=InboundStatus.RECEIVED, outcome="", processed_at=None, attempts=0)
    events.add(event)
    done = replace(
        event,
        status=InboundStatus.FAILED,
        dedupe_key="cf_evt_1:replayed",
        outcome="gave_up",
        error="validation API down",
        attempts=5,
        processed_at=NOW + timedelta(minutes=30),
    )
    events.save(replace(done, body="ignored", deliveries=99))
    assert events.get(str(event.id)) == done


def test_events_page_by_arrival_and_filter(events):
    payment_id = str(uuid.uuid4())
    rows = [
        InboundEventFactory(received_at=NOW + timedelta(seconds=n // 2), status="processed" if n % 2 else "received")
        for n in range(5)
    ]
    forged = InboundEventFactory(source="sslcommerz", signature_valid=False, status="rejected", payment_id=payment_id)
    pages = walk(lambda page: events.list(InboundEventFilter(source=InboundSource.CASHFREE), page), limit=2)
    expected = sorted(rows, key=lambda r: (r.received_at, r.id), reverse=True)
    assert [e.id for page in pages for e in page] == [r.id for r in expected]

    def ids(**filters: object) -> set[uuid.UUID]:
        return {e.id for e in events.list(InboundEventFilter(**filters), PageRequest()).items}  # type: ignore[arg-type]

    assert ids(status=InboundStatus.PROCESSED) == {r.id for r in rows if r.status == "processed"}
    assert ids(signature_valid=False) == {forged.id}
    assert ids(payment_id=payment_id) == {forged.id}


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_event_row(events):
    row = InboundEventFactory()
    assert assert_locks_row(lambda: events.get_for_update(str(row.id))).id == row.id


def test_pending_gateway_refunds_are_accepted_ones_of_the_given_methods_oldest_first():
    cashfree = PaymentFactory(method="cashfree", captured=True)
    newer = RefundFactory(payment=cashfree, accepted_at=NOW, created_at=NOW, gateway_reference="rf_2")
    older = RefundFactory(payment=cashfree, accepted_at=NOW, created_at=NOW - timedelta(minutes=1))
    RefundFactory(payment=cashfree, accepted_at=None)  # never answered: the payments recovery job's
    RefundFactory(payment=cashfree, accepted_at=NOW, status="succeeded")
    RefundFactory(payment=PaymentFactory(method="card", captured=True), accepted_at=NOW)
    assert pending_gateway_refunds(methods=["cashfree", "sslcommerz"], limit=10) == [
        PendingRefund(str(older.id), str(cashfree.id), "cashfree", ""),
        PendingRefund(str(newer.id), str(cashfree.id), "cashfree", "rf_2"),
    ]
    assert len(pending_gateway_refunds(methods=["cashfree"], limit=1)) == 1
