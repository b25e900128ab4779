"""The largest amount one order or payment may carry, per currency.

Without a bound, a single request could book 999,999,999,999,999.99 and a handful of those
overflow the 64-bit daily counters (``payments_*_daily_stats``). The maximum is configuration
(``MAX_PAYMENT_AMOUNT``, ``MAX_PAYMENT_AMOUNT_BY_CURRENCY``); this module only holds the rule.

Why no counter can overflow: a configured maximum is itself capped at ``CEILING_MINOR`` (10^11
minor units, e.g. 1,000,000,000.00 INR), and a stats row is one (day, currency, shard). A signed
64-bit column holds 9.22 x 10^18, so one shard row takes more than 92 million maximum-size
captures in one day before it could overflow: about 1,000 per second per shard, all day, every
one at the maximum (the default maximum, 10^9 minor units, leaves a hundred times more).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.shared.errors import InvalidValue
from domain.shared.money import CURRENCY_EXPONENTS, Money

# The largest maximum configuration may set, in minor units of any currency (see the module docstring).
CEILING_MINOR = 10**11
# The default maximum, in major units, for every currency without its own.
DEFAULT_MAXIMUM_MAJOR = "10000000"


class AmountTooLarge(InvalidValue):
    code = "amount_too_large"


@dataclass(frozen=True, slots=True)
class AmountLimits:
    """``default`` is in major units and applies to every currency not in ``per_currency``."""

    default: str = DEFAULT_MAXIMUM_MAJOR
    per_currency: Mapping[str, str] = field(default_factory=dict)
    # Every currency's maximum, parsed once (checked on every order and payment).
    _maxima: dict[str, Money] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Refuse a bad configuration at start-up, not on the first large payment.
        maxima = {}
        for currency in sorted({*CURRENCY_EXPONENTS, *self.per_currency}):
            maximum = maxima[currency] = Money.parse(self.per_currency.get(currency, self.default), currency)
            if not 0 < maximum.minor <= CEILING_MINOR:
                raise ValueError(
                    f"the maximum payment amount {maximum} must be above zero and at most {CEILING_MINOR} minor units"
                )
        object.__setattr__(self, "_maxima", maxima)

    def maximum(self, currency: str) -> Money:
        known = self._maxima.get(currency)
        return known if known is not None else Money.parse(self.per_currency.get(currency, self.default), currency)

    def allows(self, amount: Money) -> bool:
        """Whether ``amount`` is at most its currency's maximum (``check`` without the refusal)."""
        return not self.maximum(amount.currency) < amount

    def check(self, amount: Money) -> Money:
        """Returns ``amount``, or raises 422 ``amount_too_large`` when it is above the currency's maximum."""
        maximum = self.maximum(amount.currency)
        if maximum < amount:
            raise AmountTooLarge(
                f"The amount is above the maximum of {maximum} per payment", code="amount_too_large", field="amount"
            )
        return amount


DEFAULT_LIMITS = AmountLimits()


def parse_overrides(raw: str) -> dict[str, str]:
    """``"JPY:1000000000, KWD:3000000.000"`` -> ``{"JPY": "1000000000", "KWD": "3000000.000"}``."""
    found: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        currency, sep, amount = item.partition(":")
        if not sep or not amount.strip():
            raise ValueError(f"expected CUR:amount, got {item.strip()!r}")
        found[currency.strip().upper()] = amount.strip()
    return found
