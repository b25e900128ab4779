"""Valid Indian identifiers and request bodies for distributor tests (fresh ones each call)."""

from __future__ import annotations

import random
import string
from typing import Any

from domain.distributors.identifiers import gstin_check_char


def make_pan(holder: str = "C") -> str:
    rng = random.SystemRandom()
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    digits = "".join(rng.choice(string.digits) for _ in range(4))
    return f"{letters}{holder}{rng.choice(string.ascii_uppercase)}{digits}{rng.choice(string.ascii_uppercase)}"


def make_gstin(pan: str | None = None, state: str = "27") -> str:
    first14 = f"{state}{pan or make_pan()}1Z"
    return first14 + gstin_check_char(first14)


def distributor_body(**overrides: Any) -> dict[str, Any]:
    pan = make_pan()
    body: dict[str, Any] = {
        "legal_name": "Acme Distribution Private Limited",
        "trade_name": "Acme",
        "gstin": make_gstin(pan),
        "pan": pan,
        "bank_account_number": "001234567890",
        "ifsc": "HDFC0001234",
        "billing_address": {
            "line1": "12 MG Road",
            "line2": "Camp",
            "city": "Pune",
            "state": "Maharashtra",
            "postal_code": "411001",
        },
        "contact_person": "Asha Rao",
        "email": "accounts@acme.example",
        "phone": "+91 98123 45678",
        "metadata": {"region": "west"},
    }
    body.update(overrides)
    return body
