"""Rows held as known (row_versions): a unit of work takes an aggregate read earlier as its row's state,
and its writes go out with a guard that locks the row and checks it is still that version (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from adapters.django_orm.payments.models import OrderRecord
from application.shared.ports import RowChanged
from entrypoints import bootstrap
from tests.factories.payments import OrderFactory
from tests.integration.payments.test_first_start import _in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _uow():  # type: ignore[no-untyped-def]
    return bootstrap.container().payments.uow()


def _describe(order, text: str) -> None:  # type: ignore[no-untyped-def]
    """One unit of work that takes ``order`` as known and changes its description."""
    uow = _uow()
    with uow:
        assert uow.orders.hold_as_known(order)
        order.description = text
        order.updated_at = timezone.now()
        uow.orders.save(order)


def test_an_unchanged_row_takes_the_writes():
    order_row = OrderFactory(description="before")
    order = _uow().orders.get(str(order_row.id))
    _describe(order, "after")
    stored = OrderRecord.objects.get(pk=order_row.id)
    assert stored.description == "after"
    assert (stored.status, stored.amount_minor) == ("created", order_row.amount_minor)


def test_a_version_is_taken_once():
    order = _uow().orders.get(str(OrderFactory().id))
    _describe(order, "once")
    uow = _uow()
    with uow:
        assert uow.orders.hold_as_known(order) is False  # this unit must read the row again


def test_a_row_changed_since_it_was_read_takes_nothing():
    order_row = OrderFactory(description="before")
    order = _uow().orders.get(str(order_row.id))
    OrderRecord.objects.filter(pk=order_row.id).update(reference="someone else")
    with pytest.raises(RowChanged):
        _describe(order, "after")
    stored = OrderRecord.objects.get(pk=order_row.id)
    assert (stored.description, stored.reference) == ("before", "someone else")


def test_a_lock_alone_is_no_change():
    order_row = OrderFactory()
    order = _uow().orders.get(str(order_row.id))
    with transaction.atomic():
        OrderRecord.objects.select_for_update().get(pk=order_row.id)  # a lock writes no new version
    _describe(order, "after a lock")
    assert OrderRecord.objects.get(pk=order_row.id).description == "after a lock"


def test_a_change_committed_while_the_guard_waited_for_the_row_is_seen():
    order_row = OrderFactory(description="before")
    order = _uow().orders.get(str(order_row.id))

    with transaction.atomic():
        OrderRecord.objects.filter(pk=order_row.id).update(reference="first")
        # The guard waits for the row this transaction updated, then checks the version committed.
        thread, outcome = _in_thread(lambda: _describe(order, "stale"))
    thread.join(timeout=30)
    assert [type(o) for o in outcome] == [RowChanged]
    stored = OrderRecord.objects.get(pk=order_row.id)
    assert (stored.description, stored.reference) == ("before", "first")
