"""``one_transaction`` (issue 15): units of work opened inside join it without savepoints, and what
they and the block hold goes out in one batch before one commit; any failure keeps nothing."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.models import EventRecord
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork, one_transaction

pytestmark = pytest.mark.django_db(transaction=True)


def _event(tag: str) -> dict:
    return {"id": f"evt_{tag}_{uuid.uuid4().hex[:8]}", "type": "test.joined", "owner_id": tag, "data": {}}


def _hold(tag: str) -> None:
    write_batch.insert_values(EventRecord, {**_event(tag), "created_at": timezone.now()})


def _unit() -> DjangoUnitOfWork:
    return DjangoUnitOfWork(outbox=DjangoOutbox())


def test_joined_units_of_work_send_nothing_of_their_own():
    with CaptureQueriesContext(connection) as captured, one_transaction():
        with _unit():
            _hold("inner")
        with _unit():
            _hold("second")
        _hold("outer")
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert "SAVEPOINT" not in statements
    assert "RELEASE" not in statements
    # Everything held went out in one statement, just before the one commit.
    assert statements[-1] == "COMMIT"
    assert len([s for s in statements if s not in {"BEGIN", "COMMIT"}]) == 1
    assert EventRecord.objects.filter(owner_id__in=["inner", "second", "outer"]).count() == 3


def _second_unit_fails() -> None:
    with one_transaction():
        with _unit():
            _hold("kept-first")
        with _unit():
            _hold("failed")
            raise RuntimeError("refused")


def test_a_failed_joined_unit_of_work_rolls_back_the_whole_transaction():
    with pytest.raises(RuntimeError, match="refused"):
        _second_unit_fails()
    assert not EventRecord.objects.filter(owner_id__in=["kept-first", "failed"]).exists()


def _dies_after_the_units_of_work() -> None:
    with one_transaction():
        with _unit():
            _hold("sent-early")
            EventRecord.objects.count()  # a read sends what was held, inside the transaction
        raise RuntimeError("died before the commit")


def test_a_failure_after_the_units_of_work_keeps_nothing():
    with pytest.raises(RuntimeError, match="died"):
        _dies_after_the_units_of_work()
    assert not EventRecord.objects.filter(owner_id="sent-early").exists()


def test_outside_one_transaction_a_unit_of_work_nests_with_a_savepoint_as_before():
    with CaptureQueriesContext(connection) as captured, _unit(), _unit():
        _hold("nested")
    assert "SAVEPOINT" in [q["sql"].split()[0] for q in captured.captured_queries]
