"""Money as integer minor units plus an ISO 4217 currency.

Amounts enter and leave as decimal strings ("100.50"); inside they are ints. Floats are
refused outright: a float cannot carry a currency amount exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.shared.errors import InvalidValue

# ISO 4217 minor-unit exponents for the currencies we settle in.
CURRENCY_EXPONENTS: dict[str, int] = {
    "INR": 2,
    "BDT": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "AED": 2,
    "JPY": 0,
    "KWD": 3,
}


# 10^15 major units is far beyond any payment; int64 minor units stay safe for every currency here.
MAX_MAJOR_DIGITS = 14


def currency_exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise InvalidValue(
            f"Unsupported currency {currency!r}", code="unsupported_currency", field="currency"
        ) from None


def normalize_currency(currency: str) -> str:
    code = (currency or "").strip().upper()
    currency_exponent(code)
    return code


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise InvalidValue("Money amount must be an integer number of minor units", field="amount")
        currency_exponent(self.currency)

    @classmethod
    def parse(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse a major-unit decimal ("100.50", 1500, Decimal) into minor units, exactly."""
        code = normalize_currency(currency)
        if isinstance(amount, (bool, float)):
            raise InvalidValue("Amounts must be decimal strings, not floats", code="invalid_amount", field="amount")
        try:
            value = Decimal(str(amount).strip())
        except (InvalidOperation, ValueError):
            raise InvalidValue(f"{amount!r} is not a decimal amount", code="invalid_amount", field="amount") from None
        # Bounds before scaling: "1e999999999" would otherwise build an enormous integer.
        if not value.is_finite() or value.adjusted() > MAX_MAJOR_DIGITS:
            raise InvalidValue("Amount is not a finite amount of a sane size", code="invalid_amount", field="amount")
        exponent = currency_exponent(code)
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidValue(
                f"{code} amounts have at most {exponent} decimal places", code="invalid_amount", field="amount"
            )
        return cls(int(scaled), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, normalize_currency(currency))

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-currency_exponent(self.currency))

    def to_decimal_string(self) -> str:
        # The digits of the minor units, padded to at least one major digit, with the point put in: about
        # half the time of divmod and a nested format spec (a payment writes a dozen amounts per request).
        minor = self.minor
        exponent = CURRENCY_EXPONENTS[self.currency]  # known: checked when the Money was made
        if not exponent:
            return str(minor)
        digits = str(-minor if minor < 0 else minor).rjust(exponent + 1, "0")
        return f"{'-' if minor < 0 else ''}{digits[:-exponent]}.{digits[-exponent:]}"

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidValue(
                f"Currency mismatch: {self.currency} vs {other.currency}", code="currency_mismatch", field="currency"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def is_positive(self) -> bool:
        return self.minor > 0

    def __str__(self) -> str:
        return f"{self.to_decimal_string()} {self.currency}"
