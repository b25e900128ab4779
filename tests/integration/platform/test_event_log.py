"""The event log adapter: the events of one publish written together, in a unit of work or at once."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from adapters.django_orm.platform.event_log import DjangoEventLog
from adapters.django_orm.platform.models import EventRecord
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from application.shared.events import StoredEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _events(owner: str, n: int) -> list[StoredEvent]:
    now = timezone.now()
    return [
        StoredEvent(
            id=f"evt_{uuid.uuid4().hex}", type=f"t.{k}", owner_id=owner, data={"k": k, "l": [k]}, created_at=now
        )
        for k in range(n)
    ]


def test_the_events_of_one_call_are_kept_with_the_unit_of_work_or_dropped_with_it() -> None:
    log, kept, dropped = DjangoEventLog(), _events("kept", 2), _events("dropped", 2)
    with DjangoUnitOfWork(outbox=DjangoOutbox()):
        log.append(*kept)

    def fail() -> None:
        with DjangoUnitOfWork(outbox=DjangoOutbox()):
            log.append(*dropped)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        fail()
    assert [log.get(e.id) for e in kept] == kept
    assert not EventRecord.objects.filter(owner_id="dropped").exists()


def test_outside_a_unit_of_work_the_events_are_written_at_once() -> None:
    log, events = DjangoEventLog(), _events("at-once", 2)
    log.append(*events)
    assert [log.get(e.id) for e in events] == events
