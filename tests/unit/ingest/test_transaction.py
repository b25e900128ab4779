"""The Transaction entity: what a valid report is, what counts as the same report, and its states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.ingest.transaction import MAX_ID_LENGTH, Transaction, TransactionStatus
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def _tx(**overrides: object) -> Transaction:
    fields: dict[str, object] = {
        "transaction_id": "txn_1",
        "source_account": "acc_user_789",
        "destination_account": "acc_merchant_456",
        "amount": Money.parse("150.50", "USD"),
        "now": NOW,
    }
    fields.update(overrides)
    return Transaction.receive(**fields)  # type: ignore[arg-type]


def test_a_received_transaction_is_processing_with_no_attempts():
    tx = _tx()
    assert tx.status is TransactionStatus.PROCESSING
    assert (tx.created_at, tx.processed_at, tx.attempts, tx.last_error) == (NOW, None, 0, "")


@pytest.mark.parametrize("amount", ["0", "0.00", "-1"])
def test_amount_must_be_positive(amount: str):
    with pytest.raises(InvalidValue) as error:
        _tx(amount=Money.parse(amount, "USD"))
    assert error.value.field == "amount"


def test_absurd_amounts_are_refused():
    with pytest.raises(InvalidValue):
        _tx(amount=Money(10**17 + 1, "USD"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transaction_id", ""),
        ("transaction_id", "x" * (MAX_ID_LENGTH + 1)),
        ("source_account", ""),
        ("destination_account", "acc\x00"),
        ("destination_account", "line\nbreak"),
    ],
)
def test_references_are_1_to_128_printable_characters(field: str, value: str):
    with pytest.raises(InvalidValue) as error:
        _tx(**{field: value})
    assert error.value.field == field


def test_an_id_of_exactly_128_characters_is_fine():
    assert _tx(transaction_id="x" * MAX_ID_LENGTH).transaction_id == "x" * MAX_ID_LENGTH


def test_same_content_compares_the_transfer_not_the_spelling_of_the_amount():
    assert _tx().same_content(_tx(amount=Money.parse("150.5", "USD"), now=NOW + timedelta(hours=1)))
    assert not _tx().same_content(_tx(amount=Money.parse("150.51", "USD")))
    assert not _tx().same_content(_tx(amount=Money.parse("150.50", "INR")))
    assert not _tx().same_content(_tx(source_account="acc_other"))
    assert not _tx().same_content(_tx(destination_account="acc_other"))


def test_processing_ends_once():
    tx = _tx()
    tx.start_attempt()
    tx.mark_processed(NOW + timedelta(seconds=30))
    assert (tx.status, tx.processed_at, tx.attempts) == (TransactionStatus.PROCESSED, NOW + timedelta(seconds=30), 1)
    with pytest.raises(InvalidTransition):
        tx.mark_processed(NOW)
    with pytest.raises(InvalidTransition):
        tx.mark_failed("late", NOW)
    with pytest.raises(InvalidTransition):
        tx.start_attempt()


def test_a_retried_failure_keeps_the_reason_and_a_final_one_ends_failed():
    tx = _tx()
    tx.record_failure("timeout")
    assert (tx.status, tx.last_error, tx.processed_at) == (TransactionStatus.PROCESSING, "timeout", None)
    tx.mark_failed("declined", NOW)
    assert (tx.status, tx.last_error, tx.processed_at) == (TransactionStatus.FAILED, "declined", NOW)
    with pytest.raises(InvalidTransition):
        tx.mark_processed(NOW)


def test_failure_reasons_are_bounded():
    tx = _tx()
    tx.mark_failed("x" * 10_000, NOW)
    assert len(tx.last_error) == 2000
