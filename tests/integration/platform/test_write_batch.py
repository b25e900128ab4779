"""A unit of work's writes are held and sent together before it commits, and nothing else changes.

What is held must be what a statement-by-statement unit of work would have left: reads in the block see
it, a rolled-back block or savepoint drops it, dedupe still holds, and writes outside any unit of work
go out at once. On PostgreSQL the held writes are one statement.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.django_orm.payments.models import OrderRecord
from adapters.django_orm.payments.repositories import DjangoOrderRepository
from adapters.django_orm.payments.stats import DjangoStatsQuery, DjangoStatsRecorder
from adapters.django_orm.platform.event_log import DjangoEventLog
from adapters.django_orm.platform.models import EventRecord, OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from application.shared.events import StoredEvent
from domain.payments.order import Order
from domain.shared.money import Money
from tests.conftest import is_postgres

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2030, 1, 2)


def _uow(nudged: list[str] | None = None) -> DjangoUnitOfWork:
    dispatch = (lambda messages: nudged.extend(m for m, _ in messages)) if nudged is not None else None
    return DjangoUnitOfWork(
        outbox=DjangoOutbox(dispatch=dispatch),
        stats=DjangoStatsRecorder(),
        events=DjangoEventLog(),
        orders=DjangoOrderRepository(),
    )


def _event(marker: str) -> StoredEvent:
    return StoredEvent(
        id=f"evt_{uuid.uuid4().hex}", type="test.written", owner_id=marker, data={}, created_at=timezone.now()
    )


def _messages(marker: str) -> int:
    return OutboxMessage.objects.filter(payload__marker=marker).count()


def _orders(seller: str) -> int:
    # What the stats endpoints read: the daily counters plus the changes not folded into them yet.
    return DjangoStatsQuery().summary(seller_id=seller, since=DAY).total_orders


def test_held_writes_go_out_in_one_statement_before_the_commit_and_every_message_is_nudged():
    marker, nudged = uuid.uuid4().hex, []
    uow = _uow(nudged)
    with CaptureQueriesContext(connection) as captured, uow:
        uow.outbox.add("test.one", {"marker": marker})
        uow.outbox.add("test.two", {"marker": marker}, dedupe_key=f"two:{marker}")
        uow.events.append(_event(marker))
        uow.stats.record(seller_id=marker, day=DAY, currency="INR", orders=1)
        uow.stats.record(seller_id=marker, day=DAY, currency="INR", orders=2, volume_minor=5)
    writes = [q["sql"] for q in captured.captured_queries if q["sql"] not in {"BEGIN", "COMMIT"}]
    if is_postgres():
        assert len(writes) == 1, writes
    assert _messages(marker) == 2
    assert EventRecord.objects.filter(owner_id=marker).count() == 1
    assert _orders(marker) == 3
    assert len(nudged) == 2


def test_an_exception_drops_everything_held():
    marker = uuid.uuid4().hex
    uow = _uow()

    def write_then_fail() -> None:
        with uow:
            uow.outbox.add("test.one", {"marker": marker})
            uow.stats.record(seller_id=marker, day=DAY, currency="INR", orders=1)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert _messages(marker) == 0
    assert _orders(marker) == 0


def test_a_nested_unit_of_work_that_fails_takes_only_its_own_writes_with_it():
    marker = uuid.uuid4().hex
    outer, inner = _uow(), _uow()

    def inner_fails() -> None:
        with inner:
            inner.outbox.add("test.inner", {"marker": marker})
            raise RuntimeError("inner rolled back")

    with outer:
        outer.outbox.add("test.outer", {"marker": marker})
        with pytest.raises(RuntimeError):
            inner_fails()
        with inner:
            inner.stats.record(seller_id=marker, day=DAY, currency="INR", orders=1)
    assert list(OutboxMessage.objects.filter(payload__marker=marker).values_list("topic", flat=True)) == ["test.outer"]
    assert _orders(marker) == 1


def test_a_savepoint_rolled_back_inside_the_unit_of_work_drops_only_what_was_written_in_it():
    marker = uuid.uuid4().hex
    uow = _uow()

    def savepoint_fails() -> None:
        with transaction.atomic():
            uow.outbox.add("test.inside", {"marker": marker})
            raise RuntimeError("savepoint rolled back")

    with uow:
        uow.outbox.add("test.before", {"marker": marker})
        with pytest.raises(RuntimeError):
            savepoint_fails()
        uow.outbox.add("test.after", {"marker": marker})
    topics = set(OutboxMessage.objects.filter(payload__marker=marker).values_list("topic", flat=True))
    assert topics == {"test.before", "test.after"}


def test_a_read_in_the_unit_of_work_sees_what_it_wrote():
    marker = uuid.uuid4().hex
    uow = _uow()
    with uow:
        uow.outbox.add("test.one", {"marker": marker})
        uow.stats.record(seller_id=marker, day=DAY, currency="INR", orders=1)
        assert _messages(marker) == 1
        assert _orders(marker) == 1


def test_dedupe_holds_inside_one_batch_and_against_rows_already_written():
    marker = uuid.uuid4().hex
    DjangoOutbox().add("test.one", {"marker": marker}, dedupe_key=f"one:{marker}")  # no unit of work: at once
    assert _messages(marker) == 1
    uow = _uow()
    with uow:
        uow.outbox.add("test.one", {"marker": marker}, dedupe_key=f"one:{marker}")
        uow.outbox.add("test.two", {"marker": marker}, dedupe_key=f"two:{marker}")
        uow.outbox.add("test.two", {"marker": marker}, dedupe_key=f"two:{marker}")
    assert _messages(marker) == 2


def test_a_row_inserted_and_saved_in_one_unit_of_work_keeps_the_saved_values():
    now = timezone.now()
    order = Order.create(seller_id=uuid.uuid4().hex, amount=Money(1000, "INR"), now=now)
    uow = _uow()
    with uow:
        uow.orders.add(order)
        order.cancel(now)
        uow.orders.save(order)
    assert OrderRecord.objects.get(pk=order.id).status == order.status.value


def test_the_open_batch_is_this_threads_own_and_gone_with_its_unit_of_work():
    """Writers find the default connection's batch through a record kept per thread (no connection lookup):
    another thread, with its own connection, writes at once; the record ends with the unit of work, and a
    batch opened on another connection object is never taken for the default one's."""
    import threading

    from django.db import connections

    from adapters.django_orm.platform import write_batch

    seen_elsewhere: list[object] = []
    with _uow():
        mine = write_batch.current_batch()
        assert mine is not None
        assert mine.connection is connections["default"]
        worker = threading.Thread(target=lambda: seen_elsewhere.append(write_batch.current_batch()))
        worker.start()
        worker.join()
    assert seen_elsewhere == [None]
    assert write_batch.current_batch() is None

    other = connections.create_connection("default")  # its own connection object, as a group commit keeps
    try:
        with transaction.atomic(using="default"):
            installed = write_batch.open_batch(other)
            try:
                assert write_batch.current_batch() is None  # the default connection has none open
            finally:
                assert installed is not None
                write_batch.close_batch(installed)
    finally:
        other.close()
