"""Saving a payment or order read under lock in the same unit of work sends only the columns that changed;
the row ends the same as a full save would leave it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adapters.django_orm.payments.repositories import DjangoOrderRepository, DjangoPaymentRepository
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from tests.factories.payments import PaymentFactory
from tests.integration.repository_checks import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def _uow() -> DjangoUnitOfWork:
    return DjangoUnitOfWork(outbox=DjangoOutbox(), orders=DjangoOrderRepository(), payments=DjangoPaymentRepository())


def _updated_columns(captured: CaptureQueriesContext, table: str) -> list[set[str]]:
    """The columns each UPDATE of ``table`` sent (PostgreSQL sends a unit of work's writes as one statement)."""
    found = []
    for query in captured.captured_queries:
        for assignments in re.findall(rf'UPDATE "{table}" SET (.*?) WHERE', query["sql"]):
            found.append(set(re.findall(r'"(\w+)" = ', assignments)))
    return found


def test_a_locked_payment_and_order_send_only_what_changed():
    row = PaymentFactory(gateway_data={"start": {"capture": True}})
    uow = _uow()
    with CaptureQueriesContext(connection) as captured, uow:
        payment = uow.payments.get_for_update(str(row.id))
        order = uow.orders.get_for_update(str(payment.order_id))
        payment.gateway_data["start"]["capture"] = False  # changed in place: still a change
        payment.capture(NOW)
        order.mark_paid(NOW)
        uow.payments.save(payment)
        uow.orders.save(order)
    assert _updated_columns(captured, "payments_payment") == [
        {"status", "amount_captured_minor", "gateway_data", "updated_at"}
    ]
    assert _updated_columns(captured, "payments_order") == [{"status", "updated_at"}]
    payment.pull_events(), order.pull_events()  # what the rows hold, without what they emitted
    assert DjangoPaymentRepository().get(str(row.id)) == payment
    assert DjangoOrderRepository().get(str(row.order_id)) == order


def test_nothing_changed_sends_nothing():
    row = PaymentFactory()
    uow = _uow()
    with CaptureQueriesContext(connection) as captured, uow:
        payment = uow.payments.get_for_update(str(row.id))
        uow.payments.save(payment)
    assert _updated_columns(captured, "payments_payment") == []


def test_a_second_save_or_a_row_read_without_lock_sends_every_column():
    row = PaymentFactory()
    uow = _uow()
    with CaptureQueriesContext(connection) as captured, uow:
        payment = uow.payments.get_for_update(str(row.id))
        payment.schedule_check(NOW)
        uow.payments.save(payment)
        payment.schedule_check(NOW + timedelta(minutes=1))
        uow.payments.save(payment)
        order = uow.orders.get(str(row.order_id))
        order.description = "read without a lock"
        uow.orders.save(order)
    (payment_columns,) = _updated_columns(captured, "payments_payment")  # one row, its saves merged
    assert {"next_check_at", "status", "gateway_data", "attempts", "check_count"} <= payment_columns
    (order_columns,) = _updated_columns(captured, "payments_order")
    assert {"description", "status", "metadata", "amount_minor"} <= order_columns
    assert DjangoPaymentRepository().get(str(row.id)) == payment
    assert DjangoOrderRepository().get(str(row.order_id)) == order


def test_a_row_locked_in_an_earlier_unit_of_work_is_saved_whole():
    row = PaymentFactory()
    with _uow() as first:
        payment = first.payments.get_for_update(str(row.id))
    payment.schedule_check(NOW)
    later = _uow()
    with CaptureQueriesContext(connection) as captured, later:
        later.payments.save(payment)
    (columns,) = _updated_columns(captured, "payments_payment")
    assert {"next_check_at", "status", "check_count"} <= columns


def test_two_aggregates_read_from_one_row_each_save_every_column():
    row = PaymentFactory()
    uow = _uow()
    with CaptureQueriesContext(connection) as captured, uow:
        first = uow.orders.get_for_update(str(row.order_id))
        second = uow.orders.get_for_update(str(row.order_id))
        first.description = "first"
        second.reference = "second"
        uow.orders.save(first)
        uow.orders.save(second)
    (columns,) = _updated_columns(captured, "payments_order")
    assert {"description", "reference", "status", "metadata"} <= columns
    stored = DjangoOrderRepository().get(str(row.order_id))
    assert (stored.description, stored.reference) == (second.description, "second")  # the last save, whole
