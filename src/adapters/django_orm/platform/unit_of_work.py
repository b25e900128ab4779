"""The Django unit of work: one transaction.atomic() block with the repositories a use case needs."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from django.db import transaction

from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.write_batch import WriteBatch, close_batch, current_batch, open_batch


class DjangoUnitOfWork:
    """Commits when the block exits cleanly, rolls back on any exception.

    Repositories are attached by the composition root as plain attributes, so one class
    serves every context's UnitOfWork protocol. Their writes are held in the connection's
    write batch (write_batch.py) and sent as one statement just before the block commits
    (or releases its savepoint, when nested); an exception drops them with the rollback.
    """

    def __init__(self, *, outbox: DjangoOutbox, **repositories: Any) -> None:
        self.outbox = outbox
        for name, repository in repositories.items():
            setattr(self, name, repository)
        # One entry per open block of this unit of work: (atomic, the batch it installed or None).
        self._blocks: list[tuple[Any, WriteBatch | None]] = []

    def __enter__(self) -> DjangoUnitOfWork:
        atomic = transaction.atomic()
        atomic.__enter__()
        # Installed after the block opened: its BEGIN/SAVEPOINT sends what an outer batch held.
        self._blocks.append((atomic, open_batch()))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        atomic, installed = self._blocks.pop()
        batch = current_batch()
        try:
            if batch is not None and exc_type is None:
                batch.send()
        except BaseException as failed:
            exc_type, exc, tb = type(failed), failed, failed.__traceback__
            raise
        finally:
            if batch is not None and exc_type is not None:
                # Everything held was written inside this block (a savepoint sends what came before).
                batch.drop()
            if installed is not None:
                # Removed before the commit: its on-commit callbacks (in-process workers) write on their own.
                close_batch(installed)
            atomic.__exit__(exc_type, exc, tb)
