"""``one_transaction`` (issue 15): units of work opened inside join it without savepoints, and what
they and the block hold goes out in one batch before one commit; any failure keeps nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.models import EventRecord
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork, one_transaction
from tests.wire import traced

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
    # Everything held went out in one statement: on PostgreSQL the whole transaction, sent alone (no BEGIN
    # or COMMIT, not even noted); elsewhere just before the one commit.
    if connection.vendor == "postgresql":
        assert statements == ["INSERT"]
    else:
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


@pytest.fixture
def pipelines_entered(monkeypatch) -> tuple[Any, list[str]]:
    """The connection's psycopg connection, and the transaction status at each pipeline it enters."""
    from psycopg.pq import TransactionStatus

    connection.ensure_connection()
    driver = connection.connection
    entered: list[str] = []
    real_pipeline = type(driver).pipeline

    def spy(self):  # type: ignore[no-untyped-def]
        entered.append(TransactionStatus(self.pgconn.transaction_status).name)
        return real_pipeline(self)

    monkeypatch.setattr(type(driver), "pipeline", spy)
    return driver, entered


@pytest.mark.postgres
def test_a_unit_of_work_that_only_writes_is_one_statement_in_one_round_trip(pipelines_entered):
    """Nothing read first: the batch is the whole transaction, sent alone in autocommit (no BEGIN, no
    COMMIT, no pipeline); the on-commit callbacks still run, after it."""
    from django.db import transaction

    _, entered = pipelines_entered
    callbacks: list[bool] = []
    with traced() as wire, _unit():
        _hold("alone")
        _hold("alone")
        transaction.on_commit(lambda: callbacks.append(True))
    assert len(wire.statements) == 1
    assert wire.statements[0].startswith('INSERT INTO "event_log"')
    assert wire.round_trips == 1
    assert entered == []
    assert callbacks == [True]
    assert EventRecord.objects.filter(owner_id="alone").count() == 2


@pytest.mark.postgres
def test_after_a_read_the_batch_and_the_commit_leave_in_one_round_trip(pipelines_entered):
    from django.db import transaction

    driver, entered = pipelines_entered
    callbacks: list[bool] = []
    with traced() as wire, _unit():
        before = EventRecord.objects.filter(owner_id="read-first").count()
        _hold("read-first")
        transaction.on_commit(lambda: callbacks.append(driver._pipeline is None))
    # The BEGIN with the read in one pipeline, then the batch with the COMMIT in another: two round trips.
    assert wire.statements[0] == "BEGIN"
    assert wire.statements[1].startswith('SELECT COUNT(*) AS "__count" FROM "event_log"')
    assert wire.statements[-1] == "COMMIT"
    assert len(wire.statements) == 4
    assert wire.round_trips == 2
    assert entered == ["IDLE", "INTRANS"]
    assert callbacks == [True]
    assert before == 0
    assert EventRecord.objects.filter(owner_id="read-first").count() == 1


def _hold_twice(event: dict, *, read_first: bool = False) -> None:
    with _unit():
        if read_first:
            EventRecord.objects.filter(owner_id="nobody").exists()
        write_batch.insert_values(EventRecord, {**event, "created_at": timezone.now()})
        write_batch.insert_values(EventRecord, {**event, "created_at": timezone.now()})


@pytest.mark.postgres
@pytest.mark.parametrize("read_first", [False, True], ids=["alone", "pipelined-with-commit"])
def test_a_conflict_in_the_batch_rolls_back_whole_and_the_connection_goes_on(read_first: bool):
    from django.db import IntegrityError

    event = _event(f"twice-{read_first}")
    with pytest.raises(IntegrityError):
        _hold_twice(event, read_first=read_first)
    assert not EventRecord.objects.filter(owner_id=event["owner_id"]).exists()
    assert connection.get_autocommit()
    with _unit():
        _hold("after")
    assert EventRecord.objects.filter(owner_id="after").exists()


@pytest.mark.postgres
def test_a_block_at_a_stricter_isolation_level_keeps_its_begin():
    from psycopg import IsolationLevel

    connection.ensure_connection()
    driver = connection.connection
    driver.isolation_level = IsolationLevel.REPEATABLE_READ
    try:
        with traced() as wire, _unit():
            _hold("repeatable")
    finally:
        driver.isolation_level = None
    assert wire.statements[0].startswith("BEGIN ISOLATION LEVEL REPEATABLE READ")
    assert wire.statements[-1] == "COMMIT"
    assert EventRecord.objects.filter(owner_id="repeatable").exists()


@pytest.mark.postgres
def test_a_failed_first_statement_rolls_back_and_the_connection_goes_on():
    """The first statement fails in the pipeline that carried its BEGIN: the transaction is rolled back
    whole and the next one starts afresh."""
    from django.db import ProgrammingError

    with pytest.raises(ProgrammingError), _unit(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    assert connection.get_autocommit()
    assert connection.connection.pgconn.transaction_status == 0  # IDLE
    with _unit():
        EventRecord.objects.filter(owner_id="nobody").exists()
        _hold("after-failure")
    assert EventRecord.objects.filter(owner_id="after-failure").exists()


@pytest.mark.postgres
def test_after_the_first_read_a_failure_keeps_nothing_and_a_nested_block_still_rolls_back_alone():
    def outer_fails() -> None:
        with _unit():
            EventRecord.objects.filter(owner_id="nobody").exists()  # BEGIN travels with this read
            _hold("kept-until-failure")
            EventRecord.objects.filter(owner_id="kept-until-failure").exists()  # sent inside the transaction
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        outer_fails()
    assert not EventRecord.objects.filter(owner_id="kept-until-failure").exists()

    def inner_fails() -> None:
        with _unit():  # nested: the outer block's first statement is this one's SAVEPOINT
            _hold("inner-rolled-back")
            EventRecord.objects.filter(owner_id="nobody").exists()
            raise RuntimeError("inner refused")

    with traced() as wire, _unit():
        with pytest.raises(RuntimeError):
            inner_fails()
        _hold("outer-kept")
    assert wire.statements[0] == "BEGIN"
    assert wire.statements[1].startswith("SAVEPOINT")
    assert not EventRecord.objects.filter(owner_id="inner-rolled-back").exists()
    assert EventRecord.objects.filter(owner_id="outer-kept").exists()


@pytest.mark.postgres
def test_a_named_cursor_or_a_stricter_level_first_keeps_psycopgs_own_begin():
    from psycopg import IsolationLevel

    EventRecord.objects.create(**_event("iterated"), created_at=timezone.now())
    with traced() as wire, _unit():
        owners = [e.owner_id for e in EventRecord.objects.filter(owner_id="iterated").iterator(chunk_size=10)]
    assert owners == ["iterated"]
    assert wire.statements[0] == "BEGIN"
    connection.ensure_connection()
    driver = connection.connection
    driver.isolation_level = IsolationLevel.REPEATABLE_READ
    try:
        with traced() as wire, _unit():
            EventRecord.objects.filter(owner_id="iterated").exists()
    finally:
        driver.isolation_level = None
    assert wire.statements[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ"
    assert wire.round_trips == 3  # its own BEGIN, the read, the COMMIT
