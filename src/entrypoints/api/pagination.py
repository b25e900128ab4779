"""List endpoints share one query shape (limit, cursor) and one response shape."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from application.shared.pagination import MAX_LIMIT, PageRequest


class PageQuery(Schema):
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")
    cursor: str | None = Field(default=None, max_length=500, description="next_cursor of the previous page")

    def page_request(self) -> PageRequest:
        return PageRequest.build(limit=self.limit, cursor=self.cursor)
