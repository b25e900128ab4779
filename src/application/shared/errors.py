"""Errors raised by use cases. ``kind`` maps to an HTTP status at the edge; ``code`` is stable."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    code: str = "error"
    kind: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.extra = extra or {}


class InvalidInput(ApplicationError):
    code = "invalid_input"
    kind = "invalid"


class NotFound(ApplicationError):
    """Also used for objects that exist but belong to someone else, so ids don't leak."""

    code = "not_found"
    kind = "not_found"


class Conflict(ApplicationError):
    code = "conflict"
    kind = "conflict"


class Forbidden(ApplicationError):
    code = "forbidden"
    kind = "forbidden"


class Unauthenticated(ApplicationError):
    code = "unauthenticated"
    kind = "unauthenticated"


class RateLimited(ApplicationError):
    code = "rate_limited"
    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(ApplicationError):
    """A dependency (gateway, ERP) is down; the caller may retry later."""

    code = "unavailable"
    kind = "unavailable"
