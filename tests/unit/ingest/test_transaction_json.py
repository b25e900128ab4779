"""transaction_json writes the body the schema way writes (transaction_out, then render), byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from ninja import Status

from domain.ingest.transaction import Transaction, TransactionStatus
from domain.shared.money import Money
from entrypoints.api.idempotency import render
from entrypoints.api.ingest.schemas import TransactionOut, transaction_json, transaction_out

NOW = datetime(2026, 11, 29, 5, 10, 45, 123456, tzinfo=UTC)


def _transaction(**changes: object) -> Transaction:
    values: dict[str, object] = {
        "transaction_id": "txn_1",
        "source_account": "acc_user_789",
        "destination_account": "acc_merchant_456",
        "amount": Money.parse("150.50", "INR"),
        "created_at": NOW,
    }
    values.update(changes)
    return Transaction(**values)  # type: ignore[arg-type]


def _schema_body(transaction: Transaction) -> bytes:
    return render(Status(202, transaction_out(transaction))).content


CASES = {
    "just received": _transaction(),
    "whole seconds": _transaction(created_at=NOW.replace(microsecond=0)),
    "milliseconds only": _transaction(created_at=NOW.replace(microsecond=5000)),
    "processed": _transaction(status=TransactionStatus.PROCESSED, processed_at=NOW + timedelta(seconds=30), attempts=1),
    "failed, with its reason": _transaction(
        status=TransactionStatus.FAILED,
        processed_at=NOW + timedelta(minutes=3),
        attempts=5,
        last_error='processor said "no" — é ✓\n',
    ),
    "a retry pending, with the last error": _transaction(attempts=2, last_error="timeout"),
    "ids and accounts beyond ASCII, quotes and slashes": _transaction(
        transaction_id='txn/"ü"\\1', source_account="acc ✓", destination_account="\U0001f4b8"
    ),
    "other currency exponents and offsets": _transaction(
        amount=Money.parse("1500", "JPY"),
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        processed_at=datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        status=TransactionStatus.PROCESSED,
    ),
    "the largest amount": _transaction(amount=Money.parse("999999999999999.99", "INR")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_body_is_the_schemas(name):
    transaction = CASES[name]
    assert transaction_json(transaction).encode() == _schema_body(transaction)


def test_every_field_of_the_schema_is_written_in_its_order():
    body = transaction_json(_transaction())
    assert list(TransactionOut.model_validate_json(body).model_dump()) == list(TransactionOut.model_fields)
