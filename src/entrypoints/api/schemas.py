"""Schemas shared by every router."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """Base for request bodies: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FieldError(Schema):
    field: str
    message: str
    type: str


class Problem(Schema):
    """RFC 9457 problem details, as every error response is shaped."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None


PROBLEM_RESPONSES: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
    429: Problem,
}
