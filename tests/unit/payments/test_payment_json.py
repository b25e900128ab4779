"""payment_json writes the body the schema way writes (payment_out, then render), byte for byte, or declines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from ninja import Status

from domain.payments.card import CardBrand, CardDetails
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.shared.money import Money
from entrypoints.api.idempotency import render
from entrypoints.api.payments.schemas import PaymentOut, payment_json, payment_out

NOW = datetime(2026, 11, 28, 20, 5, 45, 123456, tzinfo=UTC)
AMOUNT = Money.parse("100.50", "INR")
CARD = CardDetails(brand=CardBrand.VISA, bin="424242", last4="4242", exp_month=12, exp_year=2035, fingerprint="f" * 64)


def _payment(**changes: object) -> Payment:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "order_id": uuid.uuid4(),
        "seller_id": "seller-1",
        "method": PaymentMethod.CARD,
        "amount": AMOUNT,
        "amount_captured": AMOUNT,
        "amount_refunded": Money.zero("INR"),
        "status": PaymentStatus.CAPTURED,
        "card": CARD,
        "gateway_reference": "sbx_0123456789abcdef01234567",
        "livemode": False,
        "created_at": NOW,
        "updated_at": NOW + timedelta(milliseconds=7),
        "started_at": NOW,
    }
    values.update(changes)
    return Payment(**values)  # type: ignore[arg-type]


def _schema_body(payment: Payment) -> bytes:
    return render(Status(201, payment_out(payment))).content


CASES = {
    "captured card": _payment(),
    "whole seconds": _payment(created_at=NOW.replace(microsecond=0), updated_at=NOW.replace(microsecond=0)),
    "milliseconds only": _payment(created_at=NOW.replace(microsecond=5000)),
    "declined card": _payment(
        status=PaymentStatus.FAILED,
        amount_captured=Money.zero("INR"),
        failure_code="card_declined",
        failure_message='Declined "by the issuer" — é',
    ),
    "authorized, checked later": _payment(
        status=PaymentStatus.AUTHORIZED, amount_captured=Money.zero("INR"), next_check_at=NOW + timedelta(minutes=5)
    ),
    "pending bank transfer, no card": _payment(
        method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.PENDING,
        amount_captured=Money.zero("INR"),
        card=None,
        gateway_reference="UTR123",
        next_check_at=NOW.replace(microsecond=0),
        livemode=True,
    ),
    "no reference, a redirect url": _payment(gateway_reference="", redirect_url="https://pay.example/x"),
    "partly refunded": _payment(
        status=PaymentStatus.PARTIALLY_REFUNDED,
        amount_refunded=Money.parse("10.25", "INR"),
        refund_pending=Money.parse("5.00", "INR"),
    ),
    "other offsets": _payment(
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        updated_at=datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        next_check_at=datetime(2026, 7, 1, 9, 0, 0, 999999, tzinfo=ZoneInfo("America/New_York")),
    ),
    "empty checkout data": _payment(gateway_data={"checkout": {}, "start": {"capture": True}}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_body_is_the_schemas(name):
    payment = CASES[name]
    body = payment_json(payment)
    assert body is not None
    assert body.encode() == _schema_body(payment)


def test_every_field_of_the_schema_is_written_in_its_order():
    body = payment_json(_payment())
    assert body is not None
    assert list(PaymentOut.model_validate_json(body).model_dump()) == list(PaymentOut.model_fields)
    assert body.index('"id"') < body.index('"order_id"') < body.index('"updated_at"')


@pytest.mark.parametrize(
    "payment",
    [
        _payment(gateway_data={"checkout": {"payment_session_id": "s_1"}}),
        _payment(
            status=PaymentStatus.PENDING,
            amount_captured=Money.zero("INR"),
            attempts=[
                {
                    "failure_code": "x",
                    "failure_message": "y",
                    "provider_payment_id": "1",
                    "at": NOW.isoformat(),
                }
            ],
        ),
    ],
    ids=["hosted checkout data", "failed attempts"],
)
def test_nested_values_validation_converts_take_the_schemas_way(payment):
    assert payment_json(payment) is None
    assert _schema_body(payment)  # what the view answers instead
