"""Card validation: Luhn, expiry, CVV, brand, and the data we keep."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.payments.card import (
    CardBrand,
    CardDetails,
    card_brand,
    is_expired,
    luhn_valid,
    parse_expiry,
    validate_card,
)
from domain.shared.errors import InvalidValue

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def luhn_check_digit(payload: str) -> str:
    """Independent Luhn: double every second digit from the right of the full number, via digit sums."""
    total = sum(sum(divmod(int(d) * (2 if i % 2 == 0 else 1), 10)) for i, d in enumerate(reversed(payload)))
    return str(-total % 10)


@pytest.mark.parametrize(
    "number",
    ["4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", "5555555555554444", "378282246310005", "0"],
)
def test_luhn_accepts_valid_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "", "abcd", "4242x42424242424", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢"])
def test_luhn_rejects_invalid_numbers(number: str) -> None:
    assert not luhn_valid(number)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_luhn_agrees_with_independent_check_digit(payload: str) -> None:
    good = luhn_check_digit(payload)
    assert luhn_valid(payload + good)
    for other in "0123456789":
        if other != good:
            assert not luhn_valid(payload + other)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", CardBrand.VISA),
        ("5555555555554444", CardBrand.MASTERCARD),
        ("2223003122003222", CardBrand.MASTERCARD),
        ("378282246310005", CardBrand.AMEX),
        ("341111111111111", CardBrand.AMEX),
        ("6521500000000000", CardBrand.RUPAY),
        ("6080010000000000", CardBrand.RUPAY),
        ("5085000000000000", CardBrand.RUPAY),
        ("6011111111111117", CardBrand.UNKNOWN),
        ("123", CardBrand.UNKNOWN),
    ],
)
def test_card_brand(number: str, brand: CardBrand) -> None:
    assert card_brand(number) is brand


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12/29", (12, 2029)), ("1/30", (1, 2030)), ("07 / 27", (7, 2027)), ("03/2031", (3, 2031))],
)
def test_parse_expiry(text: str, expected: tuple[int, int]) -> None:
    assert parse_expiry(text) == expected


@pytest.mark.parametrize("text", ["13/25", "00/25", "1225", "12/5", "12/123", "", "ab/cd", "12-25"])
def test_parse_expiry_rejects(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_expiry(text)
    assert (caught.value.code, caught.value.field) == ("invalid_expiry", "card.expiry")


@pytest.mark.parametrize(
    ("month", "year", "expired"),
    [(6, 2025, False), (5, 2025, True), (12, 2024, True), (7, 2025, False), (1, 2026, False)],
)
def test_is_expired_counts_the_whole_expiry_month(month: int, year: int, expired: bool) -> None:
    assert is_expired(month, year, NOW) is expired


def test_validate_card_returns_clean_digits_and_expiry() -> None:
    assert validate_card("4242 4242-4242 4242", "12/30", "123", NOW) == ("4242424242424242", 12, 2030)
    assert validate_card("378282246310005", "06/25", "1234", NOW) == ("378282246310005", 6, 2025)


@pytest.mark.parametrize(
    ("number", "expiry", "cvv", "code", "field"),
    [
        ("4242424242424241", "12/30", "123", "invalid_card_number", "card.number"),
        ("42424242424a4242", "12/30", "123", "invalid_card_number", "card.number"),
        ("", "12/30", "123", "invalid_card_number", "card.number"),
        ("00000000000", "12/30", "123", "invalid_card_number", "card.number"),  # Luhn-valid but too short
        ("00000000000000000000", "12/30", "123", "invalid_card_number", "card.number"),  # too long
        ("4242424242424242", "05/25", "123", "card_expired", "card.expiry"),
        ("4242424242424242", "13/30", "123", "invalid_expiry", "card.expiry"),
        ("4242424242424242", "12/30", "12", "invalid_cvv", "card.cvv"),
        ("4242424242424242", "12/30", "12345", "invalid_cvv", "card.cvv"),
        ("4242424242424242", "12/30", "12a", "invalid_cvv", "card.cvv"),
        ("4242424242424242", "12/30", "", "invalid_cvv", "card.cvv"),
    ],
)
def test_validate_card_rejects(number: str, expiry: str, cvv: str, code: str, field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_card(number, expiry, cvv, NOW)
    assert (caught.value.code, caught.value.field, caught.value.kind) == (code, field, "invalid")
    assert number not in caught.value.message or not number


def test_card_details_keep_only_bin_last4_expiry_and_fingerprint() -> None:
    card = CardDetails.from_number("4242424242424242", 12, 2030, "hmac-fp")
    assert (card.brand, card.bin, card.last4, card.exp_month, card.exp_year, card.fingerprint) == (
        CardBrand.VISA,
        "424242",
        "4242",
        12,
        2030,
        "hmac-fp",
    )
    assert card.masked() == "424242******4242"
    public = card.to_public_dict()
    assert "fingerprint" not in public
    assert "4242424242424242" not in repr(card) + str(public)


@pytest.mark.parametrize(
    ("bin_", "last4", "month"), [("42424", "4242", 1), ("424242", "42a2", 1), ("424242", "4242", 13)]
)
def test_card_details_reject_malformed_parts(bin_: str, last4: str, month: int) -> None:
    with pytest.raises(InvalidValue):
        CardDetails(brand=CardBrand.VISA, bin=bin_, last4=last4, exp_month=month, exp_year=2030, fingerprint="f")
