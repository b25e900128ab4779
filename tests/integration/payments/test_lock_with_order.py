"""A payment is locked with its order in one statement; the order is read again once anything else ran."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adapters.django_orm.payments.models import OrderRecord
from adapters.django_orm.payments.repositories import DjangoOrderRepository, DjangoPaymentRepository
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _uow() -> DjangoUnitOfWork:
    return DjangoUnitOfWork(outbox=DjangoOutbox(), orders=DjangoOrderRepository(), payments=DjangoPaymentRepository())


def test_the_order_locked_with_its_payment_is_not_read_again():
    row = PaymentFactory()
    uow = _uow()
    with uow, CaptureQueriesContext(connection) as captured:
        payment = uow.payments.get_for_update(str(row.id))
        order = uow.orders.get_for_update(str(payment.order_id))
    assert order is not None
    assert order.id == row.order_id
    assert len(captured.captured_queries) == 1


def test_any_statement_in_between_means_the_order_is_read_again():
    row = PaymentFactory()
    uow = _uow()
    with uow:
        payment = uow.payments.get_for_update(str(row.id))
        OrderRecord.objects.filter(pk=row.order_id).update(description="changed meanwhile")
        with CaptureQueriesContext(connection) as captured:
            order = uow.orders.get_for_update(str(payment.order_id))
    assert order is not None
    assert order.description == "changed meanwhile"
    assert len(captured.captured_queries) == 1
