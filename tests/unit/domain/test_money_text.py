"""Property: an amount's decimal string is its exact decimal value, and it parses back to the same Money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared.money import CURRENCY_EXPONENTS, Money

# Within what Money.parse takes in every currency (at most 15 major digits).
AMOUNTS = st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1)


@given(minor=AMOUNTS, currency=st.sampled_from(sorted(CURRENCY_EXPONENTS)))
def test_the_decimal_string_is_the_exact_decimal_and_parses_back(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    text = money.to_decimal_string()
    assert text == f"{money.to_decimal():f}"
    assert Money.parse(text, currency) == money


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (0, "INR", "0.00"),
        (5, "INR", "0.05"),
        (-5, "INR", "-0.05"),
        (123456, "INR", "1234.56"),
        (-100, "USD", "-1.00"),
        (7, "JPY", "7"),
        (-7, "JPY", "-7"),
        (0, "JPY", "0"),
        (1, "KWD", "0.001"),
        (1234567, "KWD", "1234.567"),
    ],
)
def test_known_amounts(minor: int, currency: str, text: str) -> None:
    assert Money(minor, currency).to_decimal_string() == text
