"""The sandbox card gateway's deterministic test cards."""

from __future__ import annotations

import pytest

from domain.payments.card import CardBrand, card_brand, luhn_valid
from domain.payments.sandbox_cards import SANDBOX_CARDS, sandbox_outcome
from domain.shared.errors import InvalidValue


@pytest.mark.parametrize(
    ("number", "kind", "code", "retryable", "delay"),
    [
        ("4242424242424242", "approve", None, False, 0.0),
        ("5555555555554444", "approve", None, False, 0.0),
        ("4000000000000002", "decline", "card_declined", False, 0.0),
        ("4000000000009995", "decline", "insufficient_funds", False, 0.0),
        ("4000000000000119", "error", "processing_error", True, 0.0),
        ("4000000000000259", "pending", "requires_action", False, 0.0),
        ("4000000000000077", "approve", None, False, 2.0),
        ("4111111111111111", "approve", None, False, 0.0),  # any other valid number
        ("378282246310005", "approve", None, False, 0.0),
    ],
)
def test_outcome_table(number: str, kind: str, code: str | None, retryable: bool, delay: float) -> None:
    outcome = sandbox_outcome(number)
    assert (outcome.kind, outcome.code, outcome.retryable, outcome.delay_seconds) == (kind, code, retryable, delay)
    assert outcome.message


def test_outcomes_are_deterministic_and_ignore_formatting() -> None:
    assert (
        sandbox_outcome("4000 0000 0000 0002")
        == sandbox_outcome("4000-0000-0000-0002")
        == sandbox_outcome("4000000000000002")
    )


def test_pending_card_settles_later_as_approved() -> None:
    assert sandbox_outcome("4000000000000259").settles_as == "approve"


@pytest.mark.parametrize("number", list(SANDBOX_CARDS))
def test_every_test_card_is_a_valid_number(number: str) -> None:
    assert luhn_valid(number)


def test_mastercard_test_card_is_mastercard() -> None:
    assert card_brand("5555555555554444") is CardBrand.MASTERCARD


@pytest.mark.parametrize("number", ["4242424242424241", "abc", ""])
def test_invalid_number_has_no_outcome(number: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        sandbox_outcome(number)
    assert caught.value.code == "invalid_card_number"
