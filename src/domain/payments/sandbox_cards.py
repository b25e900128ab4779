"""The built-in ``card`` gateway's test cards, as data.

Deterministic by design: the same number always gives the same outcome, so tests and demos can
rely on it. Any other Luhn-valid number approves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.payments.card import NUMBER_FIELD, luhn_valid, normalize_number
from domain.shared.errors import InvalidValue

OutcomeKind = Literal["approve", "decline", "error", "pending"]


@dataclass(frozen=True, slots=True)
class SandboxOutcome:
    kind: OutcomeKind
    code: str | None = None
    message: str = ""
    retryable: bool = False
    delay_seconds: float = 0.0
    # For "pending": what reconciliation eventually settles the payment as.
    settles_as: Literal["approve", "decline"] | None = None


APPROVE = SandboxOutcome(kind="approve", message="Approved")

SANDBOX_CARDS: dict[str, SandboxOutcome] = {
    "4242424242424242": APPROVE,
    "5555555555554444": APPROVE,
    "4000000000000002": SandboxOutcome(kind="decline", code="card_declined", message="The card was declined"),
    "4000000000009995": SandboxOutcome(kind="decline", code="insufficient_funds", message="Insufficient funds"),
    "4000000000000119": SandboxOutcome(
        kind="error", code="processing_error", message="Processing error, try again", retryable=True
    ),
    "4000000000000259": SandboxOutcome(
        kind="pending", code="requires_action", message="Awaiting confirmation", settles_as="approve"
    ),
    "4000000000000077": SandboxOutcome(kind="approve", message="Approved (slow)", delay_seconds=2.0),
}


def sandbox_outcome(number: str) -> SandboxOutcome:
    digits = normalize_number(number)
    if not digits.isdigit() or not luhn_valid(digits):
        raise InvalidValue("Card number is not valid", code="invalid_card_number", field=NUMBER_FIELD)
    return SANDBOX_CARDS.get(digits, APPROVE)
