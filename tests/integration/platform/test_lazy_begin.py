"""An outermost unit of work on PostgreSQL opens its transaction at its first statement (issue 15,
``unit_of_work._open_lazily``): psycopg stays in autocommit, Django sees an atomic block as always, and our
BEGIN travels with whatever statement comes first. These pin what must not change because of it: every
way a block can run its first statement still runs inside the transaction (so a failure later keeps
nothing), the block looks like a transaction to everything that asks, and the connection is left as
Django's own exit would leave it."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.models import EventRecord
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork, one_transaction
from adapters.gateways.outside_transactions import OutsideTransactions, ProviderCallInTransaction
from tests.wire import traced

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _unit() -> DjangoUnitOfWork:
    return DjangoUnitOfWork(outbox=DjangoOutbox())


def _row(owner: str) -> dict:
    return {
        "id": f"evt_lazy_{uuid.uuid4().hex[:12]}",
        "type": "test.lazy",
        "owner_id": owner,
        "data": {},
        "created_at": timezone.now(),
    }


def _kept(owner: str) -> int:
    return EventRecord.objects.filter(owner_id=owner).count()


def _left_as_django_leaves_it() -> None:
    assert not connection.in_atomic_block
    assert connection.atomic_blocks == []
    assert connection.savepoint_ids == []
    assert connection.get_autocommit()
    assert connection.connection.autocommit
    assert connection.connection.pgconn.transaction_status == 0  # IDLE
    assert connection.run_on_commit == []


class Refused(Exception):
    pass


def test_before_its_first_statement_the_block_is_a_transaction_to_everything_that_asks():
    class Provider:
        def charge(self) -> str:
            return "charged"

    guarded = OutsideTransactions(Provider(), name="fake_gateway")
    with _unit():
        assert connection.in_atomic_block
        assert not connection.get_autocommit()
        assert connection.connection.pgconn.transaction_status == 0  # nothing sent yet
        with pytest.raises(ProviderCallInTransaction):
            guarded.charge()
        with pytest.raises(TransactionManagementError):
            connection.set_autocommit(True)  # Django refuses inside a block, as always
    _left_as_django_leaves_it()


@pytest.mark.parametrize(
    "first",
    ["orm_read", "select_for_update", "raw_atomic", "executemany", "named_cursor", "nested_unit"],
)
def test_whatever_runs_first_runs_inside_the_transaction_and_a_later_failure_keeps_nothing(first: str):
    owner = f"lazy-{first}"
    existing = _row(f"{owner}-existing")
    EventRecord.objects.create(**existing)

    def block() -> None:
        with _unit():
            if first == "orm_read":
                EventRecord.objects.create(**_row(owner))
            elif first == "select_for_update":
                list(EventRecord.objects.select_for_update().filter(id=existing["id"]))
                EventRecord.objects.create(**_row(owner))
            elif first == "raw_atomic":
                with transaction.atomic():
                    EventRecord.objects.create(**_row(owner))
            elif first == "executemany":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO event_log (id, type, owner_id, data, created_at) VALUES (%s, %s, %s, '{}', now())",
                        [(f"evt_lazy_{uuid.uuid4().hex[:12]}", "test.lazy", owner) for _ in range(2)],
                    )
            elif first == "named_cursor":
                assert [e.id for e in EventRecord.objects.filter(id=existing["id"]).iterator(chunk_size=5)] == [
                    existing["id"]
                ]
                EventRecord.objects.create(**_row(owner))
            else:
                with _unit():
                    EventRecord.objects.create(**_row(owner))
            write_batch.insert_values(EventRecord, _row(owner))
            assert connection.connection.pgconn.transaction_status != 0  # the first statement began it
            raise Refused

    with traced() as wire, pytest.raises(Refused):
        block()
    assert wire.statements[0] == "BEGIN"
    assert "ROLLBACK" in wire.statements  # (psycopg may follow it with DEALLOCATE ALL)
    assert _kept(owner) == 0
    _left_as_django_leaves_it()


def test_a_block_that_only_writes_is_its_one_statement_and_runs_its_callbacks_after_it():
    seen: list[tuple[int, bool]] = []
    owner = "lazy-alone"
    with traced() as wire, _unit():
        write_batch.insert_values(EventRecord, _row(owner))
        transaction.on_commit(lambda: seen.append((_kept(owner), connection.in_atomic_block)))
    # The batch alone, then the callback's own read: no BEGIN, no COMMIT.
    assert len(wire.statements) == 2
    assert wire.statements[0].startswith('INSERT INTO "event_log"')
    assert wire.statements[1].startswith("SELECT COUNT(*)")
    assert seen == [(1, False)]  # after the row is durable, outside the block
    _left_as_django_leaves_it()


def test_a_block_that_only_writes_and_fails_keeps_nothing_and_runs_no_callback():
    from django.db import IntegrityError

    seen: list[bool] = []
    row = _row("lazy-twice")

    def twice() -> None:
        with _unit():
            write_batch.insert_values(EventRecord, row)
            write_batch.insert_values(EventRecord, row)
            transaction.on_commit(lambda: seen.append(True))

    with pytest.raises(IntegrityError):
        twice()
    assert seen == []
    assert _kept("lazy-twice") == 0
    _left_as_django_leaves_it()


def test_a_block_that_read_first_commits_in_one_round_trip_with_its_batch_and_is_left_clean():
    owner = "lazy-read-first"
    seen: list[int] = []
    with traced() as wire, _unit():
        assert _kept(owner) == 0
        write_batch.insert_values(EventRecord, _row(owner))
        transaction.on_commit(lambda: seen.append(_kept(owner)))
    # BEGIN with the read, then the batch with the COMMIT; then the callback's own read.
    assert wire.statements[0] == "BEGIN"
    assert wire.statements[3] == "COMMIT"
    assert len(wire.statements) == 5
    assert wire.round_trips == 3
    assert seen == [1]
    _left_as_django_leaves_it()


def test_one_transaction_opens_lazily_too_and_a_read_in_it_begins_the_transaction():
    owner = "lazy-one-transaction"

    def read_then_refuse() -> None:
        with one_transaction():
            with _unit():
                write_batch.insert_values(EventRecord, _row(owner))
            assert connection.connection.pgconn.transaction_status == 0
            assert _kept(owner) == 1  # the read sent the batch first, inside the transaction it began
            raise Refused

    with pytest.raises(Refused):
        read_then_refuse()
    assert _kept(owner) == 0
    _left_as_django_leaves_it()
    with traced() as wire, one_transaction():
        write_batch.insert_values(EventRecord, _row(owner))
    assert len(wire.statements) == 1
    assert _kept(owner) == 1
    _left_as_django_leaves_it()


def test_a_closed_connection_opens_again_before_the_block_and_a_broken_one_goes_the_usual_way():
    connection.close()
    with _unit():
        write_batch.insert_values(EventRecord, _row("lazy-reopened"))
    assert _kept("lazy-reopened") == 1
    _left_as_django_leaves_it()
    # Django's autocommit turned off by hand: the block opens the usual way (Atomic's own branch for it).
    connection.set_autocommit(False)
    try:
        with _unit():
            write_batch.insert_values(EventRecord, _row("lazy-manual"))
        connection.commit()
    finally:
        connection.set_autocommit(True)
    assert _kept("lazy-manual") == 1
