"""Errors raised by domain rules.

Each carries a stable machine-readable ``code`` and a ``kind`` that the HTTP layer maps to a
status (``invalid`` -> 422, ``conflict`` -> 409, ...). The domain never knows about HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    code: str = "domain_error"
    kind: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class InvalidValue(DomainError):
    """A value object refused its input (bad amount, bad GSTIN, ...)."""

    code = "invalid_value"
    kind = "invalid"


class InvalidTransition(DomainError):
    """A state machine refused a move (paying a cancelled order, ...)."""

    code = "invalid_state_transition"
    kind = "conflict"
