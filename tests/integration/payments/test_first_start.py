"""Phase 1 of a payment records its start unless another start of the order awaits its answer, in one
statement that sees every start committed while it waited for the order's lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from adapters.django_orm.payments.models import OrderRecord
from adapters.django_orm.payments.repositories import DjangoPaymentRepository
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
