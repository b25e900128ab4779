"""List endpoints share one query shape (limit, cursor) and one response shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator

from application.shared.pagination import MAX_LIMIT, PageRequest


class PageQuery(Schema):
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")
    cursor: str | None = Field(default=None, max_length=500, description="next_cursor of the previous page")

    def page_request(self) -> PageRequest:
        return PageRequest.build(limit=self.limit, cursor=self.cursor)

    @field_validator("*", mode="after")
    @classmethod
    def _datetime_in_range(cls, value: Any) -> Any:
        """Every time filter of every list: an offset at the calendar's edge is the client's error.

        ``9999-12-31T23:59:59-23:59`` is a valid ISO 8601 time that no database can hold once in UTC.
        """
        if isinstance(value, datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=UTC)
            try:
                return value.astimezone(UTC)
            except (OverflowError, ValueError):
                raise ValueError("the time is outside the supported range once converted to UTC") from None
        return value
