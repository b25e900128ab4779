"""Ports every context shares: the unit of work and the outbox."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any, Protocol


class Outbox(Protocol):
    """Side effects to run after commit, written in the same transaction as the change."""

    def add(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> None: ...


class UnitOfWork(Protocol):
    """One atomic transaction. ``with uow:`` commits on success and rolls back on error."""

    outbox: Outbox

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class RowChanged(Exception):
    """A unit of work took rows as known (``hold_as_known``) and one of them changed since it was read:
    the unit wrote nothing. The use case reads the rows under lock and decides again."""
