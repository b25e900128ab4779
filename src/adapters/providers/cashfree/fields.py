"""Reading Cashfree's JSON: amounts as exact decimals (never floats), tolerant lookups, payment facts."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from domain.shared.errors import InvalidValue
from domain.shared.money import Money

REFUND_STATUSES = {"SUCCESS": "succeeded", "CANCELLED": "failed", "PENDING": "pending", "ONHOLD": "pending"}


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str:
    return "" if value is None else str(value)


def money(amount: Any, currency: Any) -> Money | None:
    if amount is None or isinstance(amount, bool | float):
        return None
    try:
        return Money.parse(amount if isinstance(amount, int | Decimal) else str(amount), text(currency))
    except InvalidValue:
        return None


def payment_facts(payment: dict[str, Any]) -> dict[str, str]:
    keys = ("cf_payment_id", "bank_reference", "payment_group", "payment_time", "payment_status")
    return {k: text(payment.get(k)) for k in keys if payment.get(k) is not None}


def parse_body(raw: bytes | str) -> Any:
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return None


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:40]
