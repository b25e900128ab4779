"""Refund entity: pending until the gateway answers once."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.payments.refund import Refund, RefundStatus
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(seconds=30)


def new_refund(amount: str = "10.00") -> Refund:
    return Refund.create(
        payment_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        seller_id="s",
        amount=Money.parse(amount, "INR"),
        now=NOW,
        reason="customer request",
    )


def test_starts_pending() -> None:
    refund = new_refund()
    assert refund.status is RefundStatus.PENDING
    assert refund.created_at == NOW


def test_succeed_records_gateway_reference() -> None:
    refund = new_refund()
    refund.succeed(LATER, gateway_reference="rf_1")
    assert (refund.status, refund.gateway_reference, refund.updated_at) == (RefundStatus.SUCCEEDED, "rf_1", LATER)


def test_fail_records_message() -> None:
    refund = new_refund()
    refund.fail("gateway down", LATER)
    assert (refund.status, refund.failure_message) == (RefundStatus.FAILED, "gateway down")


@pytest.mark.parametrize("first", ["succeed", "fail"])
@pytest.mark.parametrize("second", ["succeed", "fail"])
def test_settled_refund_cannot_settle_again(first: str, second: str) -> None:
    refund = new_refund()
    settle = {"succeed": lambda: refund.succeed(LATER), "fail": lambda: refund.fail("x", LATER)}
    settle[first]()
    status = refund.status
    with pytest.raises(InvalidTransition):
        settle[second]()
    assert refund.status is status


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_amount_must_be_positive(amount: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        new_refund(amount)
    assert caught.value.code == "invalid_amount"


def test_a_refund_emits_its_final_state_once() -> None:
    succeeded, failed = new_refund(), new_refund()
    succeeded.accept(NOW, "rf_1")  # a counted refund's acceptance is the payment's news, not its own
    assert succeeded.events == []
    succeeded.succeed(LATER)
    failed.fail("declined", LATER)
    assert [e.type for e in succeeded.pull_events()] == ["refund.succeeded"]
    assert [e.type for e in failed.pull_events()] == ["refund.failed"]
    assert succeeded.pull_events() == []


def test_a_return_accepted_is_news_until_a_final_answer_supersedes_it() -> None:
    from domain.payments.refund import RefundKind

    returned = replace(new_refund(), kind=RefundKind.RETURN)
    returned.accept(NOW, "rt_1")
    assert [e.type for e in returned.events] == ["refund.returned"]
    returned.fail("bank closed", LATER)
    assert [e.type for e in returned.pull_events()] == ["refund.failed"]
