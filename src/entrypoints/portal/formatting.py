"""Display formatting: money per currency (symbol, exponent, grouping) from decimal strings, never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.shared.errors import DomainError
from domain.shared.money import currency_exponent

SYMBOLS = {
    "INR": "₹",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "BDT": "৳",
    "JPY": "¥",
    "SGD": "S$",
    "AED": "AED ",
    "KWD": "KWD ",
}
# The Indian numbering system groups by lakh and crore: 12,34,567.00.
SOUTH_ASIAN = {"INR", "BDT"}


def _group(digits: str, south_asian: bool) -> str:
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    size = 2 if south_asian else 3
    groups = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return ",".join([*groups, tail])


def format_money(amount: str | int | Decimal | None, currency: str) -> str:
    """``"123456.5", "INR"`` -> ``₹1,23,456.50``; amounts are decimal strings in major units."""
    if amount is None or amount == "":
        return "—"
    currency = currency.upper()
    try:
        value = Decimal(str(amount))
        exponent = currency_exponent(currency)
    except (InvalidOperation, ValueError, DomainError):  # display only: show what we got
        return f"{amount} {currency}"
    quantized = value.quantize(Decimal(1).scaleb(-exponent)) if exponent else value.quantize(Decimal(1))
    sign = "-" if quantized < 0 else ""
    whole, _, fraction = f"{abs(quantized):f}".partition(".")
    text = _group(whole, currency in SOUTH_ASIAN) + (f".{fraction}" if fraction else "")
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def format_percent(part: int, whole: int) -> str:
    """Integer counts to a one-decimal percentage string, exact (no float)."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
    return f"{value}%"


WORDS = {"upi": "UPI", "sslcommerz": "SSLCommerz", "cashfree": "Cashfree"}


def humanize_code(code: str) -> str:
    return WORDS.get(code) or code.replace("_", " ").replace(".", " ").capitalize()
