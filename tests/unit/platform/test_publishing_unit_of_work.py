"""The unit of work publishes what the aggregates it saw emitted, when (and only when) a block commits."""

from __future__ import annotations

import pytest

from application.payments.publishing import payments_news
from application.payments.unit_of_work import REMEMBERED
from application.shared.publishing_unit_of_work import PublishingUnitOfWork
from domain.payments.order import Order
from domain.payments.refund import Refund, RefundKind
from domain.shared.money import Money
from tests.unit.payments.fakes import FakeUow, FixedClock, MemoryPaymentsUnit, RecordingPublisher

NOW = FixedClock().now()


def _order() -> Order:
    return Order.create(seller_id="seller-1", amount=Money.parse("10.00", "INR"), now=NOW)


def test_an_added_aggregate_publishes_its_events_at_commit_with_its_view():
    uow = FakeUow()
    with uow:
        order = _order()
        uow.orders.add(order)
        assert uow.publisher.published == []  # nothing goes out before the block commits
    [event] = uow.publisher.published
    assert (event.type, event.data["object"]["id"]) == ("order.created", str(order.id))


def test_a_rolled_back_block_publishes_nothing():
    uow = FakeUow()

    def failing_change() -> None:
        with uow:
            uow.orders.add(_order())
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert uow.publisher.published == []
    assert uow.orders.rows == {}


def test_a_changed_and_saved_aggregate_publishes_once_even_across_blocks():
    uow = FakeUow()
    with uow:
        order = _order()
        uow.orders.add(order)
    with uow:
        loaded = uow.orders.get_for_update(str(order.id))
        loaded.cancel(NOW)
        uow.orders.save(loaded)
    with uow:
        pass  # a later block finds nothing left to publish
    assert [e.type for e in uow.publisher.published] == ["order.created", "order.cancelled"]
    assert uow.publisher.published[-1].data["object"]["status"] == "cancelled"


def test_an_order_that_already_existed_does_not_publish_what_was_built_again():
    uow = FakeUow()
    order = _order()
    with uow:
        uow.orders.add_if_absent(order)
    rebuilt = Order.create(id=order.id, seller_id="seller-1", amount=Money.parse("10.00", "INR"), now=NOW)
    with uow:
        _stored, added = uow.orders.add_if_absent(rebuilt)
    assert not added
    assert [e.type for e in uow.publisher.published] == ["order.created"]


def test_a_failure_while_publishing_rolls_the_block_back():
    def broken(outbox, events, *, owner_id):
        raise RuntimeError("event log unavailable")

    raw = MemoryPaymentsUnit()
    uow = PublishingUnitOfWork(raw, remember=REMEMBERED, news=payments_news, publish=broken)
    with pytest.raises(RuntimeError), uow:
        uow.orders.add(_order())
    assert raw.orders.rows == {}
    assert raw.committed == 0


def test_a_refunds_news_is_its_latest_state_and_carries_payment_and_order():
    order = _order()
    refund = Refund.create(
        payment_id=order.id,
        order_id=order.id,
        seller_id="seller-1",
        amount=order.amount,
        now=NOW,
        kind=RefundKind.RETURN,
    )
    refund.accept(NOW, "rt_1")  # a return accepted ...
    refund.succeed(NOW, "rt_1")  # ... and final in the same change: one event
    publisher = RecordingPublisher()
    uow = FakeUow(publisher)
    with uow:
        uow.orders.add(order)
        order.pull_events()
        uow.refunds.add(refund)
    [event] = publisher.published
    assert event.type == "refund.succeeded"
    assert event.data["object"]["id"] == str(refund.id)
    assert event.data["order"]["id"] == str(order.id)


def test_no_application_code_publishes_by_hand():
    """Publishing is the unit of work's job: a use case that called the publisher could publish twice or
    publish a change that then rolled back."""
    import re
    from pathlib import Path

    import application

    root = Path(application.__file__).parent
    mechanism = root / "shared" / "publishing_unit_of_work.py"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != mechanism and re.search(r"\bpublish\(|\.publish\(", path.read_text())
    ]
    assert offenders == []
