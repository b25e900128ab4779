"""Schemas shared by every router."""

from __future__ import annotations

from typing import Any

from django.db.models import Manager, QuerySet
from django.db.models.fields.files import FieldFile
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, ModelWrapValidatorHandler, ValidationInfo, model_validator

# What Ninja's DjangoGetter turns into something else when a schema reads it (see ResponseSchema).
_GETTER_CONVERTS = (Manager, QuerySet, FieldFile)

# A datetime as Ninja's JSON renderer writes it (milliseconds, "Z" for UTC): for the hot paths' answers
# written without their schema (``payment_json``, ``order_json``, ``transaction_json``), which must be the
# schema's text byte for byte.
encoded_datetime = NinjaJSONEncoder().default


class InputSchema(Schema):
    """Base for request bodies: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        # Ninja's own (same name, replaced here) validates a schema that forbids extra fields twice: once
        # as given, then again through its DjangoGetter, which reads ORM objects and ``resolve_`` methods.
        # A request body is a dict parsed from JSON and these schemas resolve nothing: once is the same.
        if isinstance(values, dict) and not cls._ninja_resolvers:  # type: ignore[attr-defined]
            return handler(values)
        return super()._run_root_validator(values, handler, info)  # type: ignore[misc]


class ResponseSchema(Schema):
    """Base for response bodies the views build from plain values (issue 15: the hot paths answer these).

    Ninja validates every schema through a DjangoGetter, so that a schema can read an ORM object's
    attributes, call ``resolve_`` methods, list a related manager, call a callable and turn a file into
    its URL; it costs a Python call per field. A response built here is a dict of plain values (strings,
    numbers, datetimes, enums, nested schemas), for which the getter hands every value back unchanged:
    such a dict is validated as it is. Anything the getter would convert takes Ninja's way.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        if (
            isinstance(values, dict)
            and not cls._ninja_resolvers  # type: ignore[attr-defined]
            and not any(callable(value) or isinstance(value, _GETTER_CONVERTS) for value in values.values())
        ):
            return handler(values)
        return super()._run_root_validator(values, handler, info)  # type: ignore[misc]


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
