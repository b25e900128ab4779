"""order_json writes the body the schema way writes (order_out, then render), byte for byte, or declines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from ninja import Status

from domain.payments.order import Order, OrderKind, OrderStatus
from domain.shared.money import Money
from entrypoints.api.idempotency import render
from entrypoints.api.payments.schemas import OrderOut, order_json, order_out

NOW = datetime(2026, 11, 28, 20, 5, 45, 123456, tzinfo=UTC)
AMOUNT = Money.parse("100.50", "INR")


def _order(**changes: object) -> Order:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "seller_id": "seller-1",
        "buyer_id": None,
        "amount": AMOUNT,
        "amount_refunded": Money.zero("INR"),
        "created_at": NOW,
        "updated_at": NOW + timedelta(milliseconds=7),
    }
    values.update(changes)
    return Order(**values)  # type: ignore[arg-type]


def _schema_body(order: Order) -> bytes:
    return render(Status(201, order_out(order))).content


CASES = {
    "new order": _order(),
    "whole seconds": _order(created_at=NOW.replace(microsecond=0), updated_at=NOW.replace(microsecond=0)),
    "milliseconds only": _order(created_at=NOW.replace(microsecond=5000)),
    "with a buyer, text and metadata": _order(
        buyer_id="buyer-1",
        description='Two "chairs" — é ✓',
        reference="inv-42",
        metadata={"b": "2", "a": "ünï\n\u0000", "emoji": "\U0001f4b8"},
    ),
    "expiring, other offsets": _order(
        expires_at=datetime(2026, 12, 1, 9, 0, 0, 999999, tzinfo=ZoneInfo("America/New_York")),
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        updated_at=datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    ),
    "paid, partly refunded": _order(status=OrderStatus.PARTIALLY_REFUNDED, amount_refunded=Money.parse("10.25", "INR")),
    "a distributor's": _order(kind=OrderKind.DISTRIBUTOR, metadata={"distributor_id": "d-1"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_body_is_the_schemas(name):
    order = CASES[name]
    body = order_json(order)
    assert body is not None
    assert body.encode() == _schema_body(order)


def test_every_field_of_the_schema_is_written_in_its_order():
    body = order_json(_order())
    assert body is not None
    assert list(OrderOut.model_validate_json(body).model_dump()) == list(OrderOut.model_fields)


@pytest.mark.parametrize(
    "metadata", [{"n": 1}, {"nested": {"a": "b"}}, {"when": NOW}], ids=["number", "dict", "datetime"]
)
def test_metadata_that_is_not_all_text_takes_the_schemas_way(metadata):
    order = _order(metadata=metadata)
    assert order_json(order) is None
    assert _schema_body(order)  # what the view answers instead
