"""Checks every repository integration test shares: walking keyset pages and proving a row lock.

``assert_locks_row`` needs committed rows another connection can see: use it from tests marked
``django_db(transaction=True)``. SQLite has no row locks, so there it only checks the read itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import OperationalError, connection, transaction

from application.shared.pagination import Page, PageRequest
from tests.concurrency import run_concurrently

T = TypeVar("T")

NOW = datetime(2026, 1, 15, 10, 30, 15, 123456, tzinfo=UTC)


def walk(fetch: Callable[[PageRequest], Page[T]], *, limit: int) -> list[list[T]]:
    """Every page of a list, following each page's cursor until the last one says there is no more."""
    pages: list[list[T]] = []
    cursor: str | None = None
    while True:
        page = fetch(PageRequest.build(limit=limit, cursor=cursor))
        pages.append(page.items)
        assert len(page.items) <= limit
        if page.next_cursor is None:
            return pages
        assert len(page.items) == limit, "only a full page may promise more"
        assert len(pages) < 100, "cursors do not advance"
        cursor = page.next_cursor


def _try_elsewhere(lock: Callable[[], Any]) -> str:
    def attempt(_: int) -> str:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            try:
                found = lock()
            except OperationalError:
                return "blocked"
            return "acquired" if found is not None else "missing"

    result = run_concurrently(attempt, 1)[0]
    if isinstance(result, BaseException):
        raise result
    return str(result)


def assert_locks_row(lock: Callable[[], Any]) -> Any:
    """``lock()`` (a get-for-update) holds its row until commit: another transaction cannot take it meanwhile."""
    with transaction.atomic():
        found = lock()
        assert found is not None
        if connection.vendor == "postgresql":
            assert _try_elsewhere(lock) == "blocked"
    if connection.vendor == "postgresql":
        assert _try_elsewhere(lock) == "acquired"
    return found
