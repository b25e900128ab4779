"""Card rules: Luhn, expiry, brand, and the card data we are allowed to keep.

PCI DSS 3.3-3.5: we never keep a PAN or CVV. ``CardDetails`` holds only brand, BIN, last 4,
expiry and a keyed fingerprint. The HMAC for the fingerprint needs a secret, so it is computed
by an adapter and passed in here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import InvalidValue

NUMBER_FIELD = "card.number"
EXPIRY_FIELD = "card.expiry"
CVV_FIELD = "card.cvv"

# ISO/IEC 7812 PANs are 12-19 digits; real schemes issue 13-19.
_MIN_PAN_LENGTH = 12
_MAX_PAN_LENGTH = 19
_EXPIRY_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")
_CVV_RE = re.compile(r"^\d{3,4}$")
_SEPARATORS_RE = re.compile(r"[\s-]")

# RuPay ranges overlap with Discover prefixes (60, 65), so they are checked as explicit ranges.
_RUPAY_RANGES: tuple[tuple[int, int], ...] = (
    (508500, 508999),
    (606985, 607984),
    (608001, 608500),
    (652150, 653149),
    (817200, 819899),
    (820000, 820199),
)


class CardBrand(StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    RUPAY = "rupay"
    UNKNOWN = "unknown"


def normalize_number(number: str) -> str:
    """Drop the spaces and dashes people type; everything else is left for validation to refuse."""
    if number and number.isdigit():
        return number  # nothing to drop: every step after validation sees the digits again
    return _SEPARATORS_RE.sub("", number or "")


def luhn_valid(number: str) -> bool:
    digits = normalize_number(number)
    if not digits.isdigit() or not digits.isascii():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_brand(number: str) -> CardBrand:
    digits = normalize_number(number)
    if len(digits) < 6 or not digits.isdigit():
        return CardBrand.UNKNOWN
    prefix6 = int(digits[:6])
    # RuPay before Visa/Mastercard: its ranges do not collide with them, but keep the order explicit.
    if any(low <= prefix6 <= high for low, high in _RUPAY_RANGES):
        return CardBrand.RUPAY
    if digits.startswith(("34", "37")):
        return CardBrand.AMEX
    if digits.startswith("4"):
        return CardBrand.VISA
    prefix2, prefix4 = int(digits[:2]), int(digits[:4])
    if 51 <= prefix2 <= 55 or 2221 <= prefix4 <= 2720:
        return CardBrand.MASTERCARD
    return CardBrand.UNKNOWN


def parse_expiry(expiry: str) -> tuple[int, int]:
    """Parse ``MM/YY`` (or ``MM/YYYY``) into ``(month, four-digit year)``."""
    match = _EXPIRY_RE.match(expiry or "")
    if match is None:
        raise InvalidValue("Expiry must look like MM/YY", code="invalid_expiry", field=EXPIRY_FIELD)
    month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise InvalidValue("Expiry month must be 01-12", code="invalid_expiry", field=EXPIRY_FIELD)
    if year < 100:
        year += 2000
    return month, year


def is_expired(month: int, year: int, now: datetime) -> bool:
    """A card is good through the last day of its expiry month."""
    return (now.year, now.month) > (year, month)


def validate_card(number: str, expiry: str, cvv: str, now: datetime) -> tuple[str, int, int]:
    """Check what the payer typed; return ``(digits, month, year)``. The CVV is checked, never returned."""
    digits = normalize_number(number)
    if (
        not digits.isascii()
        or not digits.isdigit()
        or not _MIN_PAN_LENGTH <= len(digits) <= _MAX_PAN_LENGTH
        or not luhn_valid(digits)
    ):
        raise InvalidValue("Card number is not valid", code="invalid_card_number", field=NUMBER_FIELD)
    month, year = parse_expiry(expiry)
    if is_expired(month, year, now):
        raise InvalidValue("Card has expired", code="card_expired", field=EXPIRY_FIELD)
    if not _CVV_RE.match((cvv or "").strip()):
        raise InvalidValue("CVV must be 3 or 4 digits", code="invalid_cvv", field=CVV_FIELD)
    return digits, month, year


@dataclass(frozen=True, slots=True)
class CardDetails:
    """The only card data we keep: enough to show "Visa 424242******4242" and to spot a repeat card."""

    brand: CardBrand
    bin: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str

    def __post_init__(self) -> None:
        if len(self.bin) != 6 or not self.bin.isdigit():
            raise InvalidValue("BIN must be 6 digits", code="invalid_card_number", field=NUMBER_FIELD)
        if len(self.last4) != 4 or not self.last4.isdigit():
            raise InvalidValue("last4 must be 4 digits", code="invalid_card_number", field=NUMBER_FIELD)
        if not 1 <= self.exp_month <= 12:
            raise InvalidValue("Expiry month must be 01-12", code="invalid_expiry", field=EXPIRY_FIELD)

    @classmethod
    def from_number(cls, digits: str, exp_month: int, exp_year: int, fingerprint: str) -> CardDetails:
        """Build from a validated PAN; the PAN itself goes no further than this call."""
        digits = normalize_number(digits)
        return cls(
            brand=card_brand(digits),
            bin=digits[:6],
            last4=digits[-4:],
            exp_month=exp_month,
            exp_year=exp_year,
            fingerprint=fingerprint,
        )

    def masked(self) -> str:
        return f"{self.bin}******{self.last4}"

    def to_public_dict(self) -> dict[str, str | int]:
        """JSON-ready view for API responses and events (BIN + last 4 at most, per PCI DSS 3.4)."""
        return {
            "brand": self.brand.value,
            "bin": self.bin,
            "last4": self.last4,
            "exp_month": self.exp_month,
            "exp_year": self.exp_year,
        }
