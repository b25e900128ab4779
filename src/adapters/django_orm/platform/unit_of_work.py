"""The Django unit of work: one transaction.atomic() block with the repositories a use case needs."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from django.db import transaction

from adapters.django_orm.platform.outbox_store import DjangoOutbox


class DjangoUnitOfWork:
    """Commits when the block exits cleanly, rolls back on any exception.

    Repositories are attached by the composition root as plain attributes, so one class
    serves every context's UnitOfWork protocol.
    """

    def __init__(self, *, outbox: DjangoOutbox, **repositories: Any) -> None:
        self.outbox = outbox
        for name, repository in repositories.items():
            setattr(self, name, repository)
        self._atomic: Any = None

    def __enter__(self) -> DjangoUnitOfWork:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        atomic, self._atomic = self._atomic, None
        atomic.__exit__(exc_type, exc, tb)
