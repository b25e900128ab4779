"""The per-currency maximum amount of an order or payment (issue #13, "Bounded money")."""

from __future__ import annotations

import pytest

from domain.payments.limits import CEILING_MINOR, AmountLimits, AmountTooLarge, parse_overrides
from domain.shared.errors import InvalidValue
from domain.shared.money import CURRENCY_EXPONENTS, Money

INT64_MAX = 2**63 - 1


def test_the_default_allows_ten_million_major_units_and_not_one_minor_unit_more():
    limits = AmountLimits()
    assert limits.check(Money.parse("10000000.00", "INR")) == Money.parse("10000000.00", "INR")
    with pytest.raises(AmountTooLarge) as refused:
        limits.check(Money.parse("10000000.01", "INR"))
    assert refused.value.code == "amount_too_large"
    assert refused.value.field == "amount"
    assert isinstance(refused.value, InvalidValue)  # rendered as 422


def test_the_issue_amount_is_refused():
    with pytest.raises(AmountTooLarge):
        AmountLimits().check(Money.parse("999999999999999.99", "USD"))


def test_per_currency_overrides_take_precedence_over_the_default():
    limits = AmountLimits(default="1000.00", per_currency={"JPY": "150000", "KWD": "300.000"})
    assert limits.maximum("JPY") == Money(150000, "JPY")
    assert limits.maximum("KWD") == Money(300000, "KWD")
    assert limits.maximum("EUR") == Money(100000, "EUR")
    limits.check(Money.parse("150000", "JPY"))
    with pytest.raises(AmountTooLarge):
        limits.check(Money.parse("150001", "JPY"))
    with pytest.raises(AmountTooLarge):
        limits.check(Money.parse("1000.01", "EUR"))


@pytest.mark.parametrize(
    ("default", "overrides"),
    [
        ("0", {}),
        ("-5", {}),
        ("1000000000.01", {}),  # 10^11 + 1 minor units of INR: above the ceiling
        ("100000000.1", {"JPY": "1000"}),  # 10^11 + 100 minor units of KWD
        ("100", {"XXX": "5"}),
        ("100", {"JPY": "100000000000.5"}),
        ("abc", {}),
    ],
)
def test_bad_configuration_is_refused_at_start_up(default, overrides):
    with pytest.raises((ValueError, InvalidValue)):
        AmountLimits(default=default, per_currency=overrides)


def test_the_ceiling_itself_is_a_valid_maximum():
    # 100,000,000 KWD = 10^11 minor units (3 decimals), exactly the ceiling.
    assert AmountLimits(default="100000000").maximum("KWD").minor == CEILING_MINOR


def test_every_configurable_maximum_keeps_a_day_of_captures_inside_a_64_bit_counter():
    # The proof in limits.py: even at the ceiling, one shard row needs > 92 million maximum-size
    # captures in one day to overflow; the default maximum leaves a hundred times more.
    assert INT64_MAX // CEILING_MINOR > 92_000_000
    default = AmountLimits()
    for currency in CURRENCY_EXPONENTS:
        assert default.maximum(currency).minor <= CEILING_MINOR
        assert INT64_MAX // default.maximum(currency).minor >= 900_000_000


def test_overrides_are_parsed_from_a_list():
    assert parse_overrides("") == {}
    assert parse_overrides("jpy:1000000000, KWD:3000000.000,") == {"JPY": "1000000000", "KWD": "3000000.000"}
    with pytest.raises(ValueError, match="CUR:amount"):
        parse_overrides("JPY=5")
