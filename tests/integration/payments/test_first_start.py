"""Phase 1 of a payment records its start unless another start of the order awaits its answer, in one
statement: under the order's lock (``add_unless_start_awaited``, which sees every start committed while
it waited for that lock), or with no lock held first (``add_if_order_unchanged``, which also requires the
order to read as it did, and sees every change committed while it waited for the order row)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from adapters.django_orm.payments.models import OrderRecord, PaymentRecord
from adapters.django_orm.payments.repositories import DjangoOrderRepository, DjangoPaymentRepository
from domain.payments.order import Order
from domain.payments.payment import Payment, PaymentMethod
from domain.shared.money import Money
from tests.factories.payments import OrderFactory
from tests.integration.repository_checks import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def _start(order: OrderRecord) -> Payment:
    return Payment.create(
        order_id=order.id,
        seller_id=order.seller_id,
        method=PaymentMethod.CARD,
        amount=Money(order.amount_minor, order.currency),
        now=NOW,
    )


def test_a_start_waits_for_the_answer_to_the_start_before_it():
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    first = _start(order)
    first.gateway_data["start"] = {"capture": True}
    first.schedule_check(NOW)
    assert payments.add_unless_start_awaited(first, buyer_id="buyer-7") is True
    assert payments.get(str(first.id)) == first  # every field as given

    second = _start(order)
    assert payments.add_unless_start_awaited(second) is False
    assert payments.get(str(second.id)) is None
    assert payments.add_unless_start_awaited(_start(OrderFactory())) is True  # other orders go on

    first.mark_started(NOW)  # its answer applied (a hosted checkout, still pending)
    payments.save(first)
    assert payments.add_unless_start_awaited(second) is True


def test_a_settled_start_holds_nothing_back():
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    failed = _start(order)
    failed.fail("card_declined", "Declined", NOW)
    payments.add(failed)
    assert payments.add_unless_start_awaited(_start(order)) is True


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else read once per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.postgres
def test_a_start_committed_while_the_next_waited_for_the_order_lock_is_seen():
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    outcome: list[object] = []

    def second_payer() -> None:
        try:
            with transaction.atomic():
                OrderRecord.objects.select_for_update().get(pk=order.id)  # waits for the first payer
                outcome.append(payments.add_unless_start_awaited(_start(order)))
        except Exception as exc:  # surfaced to the test
            outcome.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        OrderRecord.objects.select_for_update().get(pk=order.id)
        payments.add(_start(order))
        waiter = threading.Thread(target=second_payer)
        waiter.start()
        deadline = time.monotonic() + 30
        while not _waiting_for_a_lock():  # the second payer is blocked on the order row
            assert time.monotonic() < deadline, "the second payer never waited for the order lock"
            time.sleep(0.01)
    waiter.join(timeout=30)
    assert outcome == [False]


# --- with no lock held first (add_if_order_unchanged) ------------------------------------------------


def _read(order: OrderRecord) -> Order:
    found = DjangoOrderRepository().get(str(order.id))
    assert found is not None
    return found


def test_an_unchanged_order_takes_the_start_with_every_field():
    payments = DjangoPaymentRepository()
    order = OrderFactory(buyer_id="buyer-7", expires_at=NOW.replace(year=NOW.year + 1))
    start = _start(order)
    start.gateway_data["start"] = {"capture": True, "customer": {"id": "buyer-7"}}
    start.schedule_check(NOW)
    assert payments.add_if_order_unchanged(start, _read(order)) is True
    assert payments.get(str(start.id)) == start
    assert PaymentRecord.objects.get(pk=start.id).buyer_id == "buyer-7"  # the buyer comes from the order


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "paid"),
        ("status", "cancelled"),
        ("amount_minor", 150001),
        ("currency", "USD"),
        ("seller_id", "another-seller"),
        ("buyer_id", "another-buyer"),
        ("expires_at", NOW),
    ],
)
def test_an_order_changed_since_it_was_read_takes_nothing(column, value):
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    as_read = _read(order)
    OrderRecord.objects.filter(pk=order.id).update(**{column: value})
    start = _start(order)
    assert payments.add_if_order_unchanged(start, as_read) is False
    assert payments.get(str(start.id)) is None


def test_a_start_awaited_or_an_id_taken_takes_nothing():
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    first = _start(order)
    assert payments.add_if_order_unchanged(first, _read(order)) is True
    second = _start(order)
    assert payments.add_if_order_unchanged(second, _read(order)) is False  # the first awaits its answer
    assert payments.get(str(second.id)) is None
    assert payments.add_if_order_unchanged(first, _read(order)) is False  # the same id again: nothing, no error

    first.mark_started(NOW)  # its answer applied (a hosted checkout, still pending)
    payments.save(first)
    assert payments.add_if_order_unchanged(second, _read(order)) is True


def _in_thread(work) -> tuple[threading.Thread, list[object]]:  # type: ignore[no-untyped-def]
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # surfaced to the test
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "the statement never waited for the row"
        time.sleep(0.01)
    return thread, outcome


@pytest.mark.postgres
def test_an_order_paid_while_the_start_waited_for_its_row_takes_nothing():
    """Another payment's phase 3 marks the order paid and has not committed: the start waits, then sees it."""
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    as_read = _read(order)
    start = _start(order)
    with transaction.atomic():
        OrderRecord.objects.filter(pk=order.id).update(status="paid")
        thread, outcome = _in_thread(lambda: payments.add_if_order_unchanged(start, as_read))
    thread.join(timeout=30)
    assert outcome == [False]
    assert payments.get(str(start.id)) is None


@pytest.mark.postgres
def test_a_start_committed_while_the_unlocked_start_waited_is_seen():
    """Another payer's phase 1 (the locked way) holds the order and records its start: the unlocked start
    waits for the order row, and once that start commits the unique index keeps the second one out."""
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    as_read = _read(order)
    with transaction.atomic():
        OrderRecord.objects.select_for_update().get(pk=order.id)
        payments.add(_start(order))
        thread, outcome = _in_thread(lambda: payments.add_if_order_unchanged(_start(order), as_read))
    thread.join(timeout=30)
    assert outcome == [False]
    assert PaymentRecord.objects.filter(order_id=order.id).count() == 1


@pytest.mark.postgres
def test_two_unlocked_starts_of_one_order_record_one():
    """Both read the order unchanged; the second waits on the first's row and its index entry: one wins."""
    payments = DjangoPaymentRepository()
    order = OrderFactory()
    as_read = _read(order)
    with transaction.atomic():
        assert payments.add_if_order_unchanged(_start(order), as_read) is True  # not committed yet
        thread, outcome = _in_thread(lambda: payments.add_if_order_unchanged(_start(order), as_read))
    thread.join(timeout=30)
    assert outcome == [False]
    assert PaymentRecord.objects.filter(order_id=order.id).count() == 1
