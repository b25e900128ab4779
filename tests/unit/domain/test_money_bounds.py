import pytest

from domain.shared.errors import InvalidValue
from domain.shared.money import Money


@pytest.mark.parametrize("raw", ["1e999999999", "1E20", "NaN", "Infinity", "-Infinity", "1000000000000000"])
def test_absurd_amounts_are_refused_before_scaling(raw):
    with pytest.raises(InvalidValue) as refused:
        Money.parse(raw, "INR")
    assert refused.value.code == "invalid_amount"


def test_largest_sane_amount_parses_exactly():
    assert Money.parse("999999999999999.99", "INR").minor == 99999999999999999


def test_floats_are_refused():
    with pytest.raises(InvalidValue):
        Money.parse(1.5, "INR")  # type: ignore[arg-type]
