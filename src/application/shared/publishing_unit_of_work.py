"""A unit of work that publishes, as it commits, what the aggregates it saw emitted.

Use cases change aggregates and save them; none of them publishes. The repositories a context names
remember every aggregate they hand out or are given, and when a ``with`` block is about to commit (or
release its savepoint) the context's ``news`` turns the events those aggregates hold into published
events (the resource as it is now), written through the same outbox in the same transaction. So no
use case can forget to publish, and an event exists if and only if its change committed.

An aggregate that emits events has ``pull_events()``: it hands them out once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast

from application.shared.ports import UnitOfWork
from domain.shared.events import DomainEvent

U = TypeVar("U", bound=UnitOfWork)

# What one commit publishes: (owner id, events) in the order they go out.
News = list[tuple[str, list[DomainEvent]]]
# The context's rule: from the unit of work and the aggregates it saw (in the order seen) to its news.
NewsOf = Callable[[Any, Sequence[Any]], News]
# An ``EventPublisher``: publish(outbox, events, owner_id=...) stores them and queues their subscribers.
Publish = Callable[..., object]


def publishing(
    new_unit: Callable[[], U], *, remember: Sequence[str], news: NewsOf, publish: Callable[[], Publish]
) -> Callable[[], U]:
    """Wraps a unit-of-work factory: ``remember`` names its repositories of aggregates that emit events.

    ``publish`` is read when a unit is made: the composition root may fill it in after building.
    """

    def unit() -> U:
        return cast(U, PublishingUnitOfWork(new_unit(), remember=remember, news=news, publish=publish()))

    return unit


class PublishingUnitOfWork:
    def __init__(self, unit: UnitOfWork, *, remember: Sequence[str], news: NewsOf, publish: Publish) -> None:
        self._unit = unit
        self._news = news
        self._publish = publish
        self._seen: list[Any] = []
        self.outbox = unit.outbox
        for name in remember:
            setattr(self, name, _Remembering(getattr(unit, name), self._seen))

    def __getattr__(self, name: str) -> Any:
        # The repositories whose rows carry no events (stats, alerts, deliveries...).
        return getattr(self._unit, name)

    def __enter__(self) -> PublishingUnitOfWork:
        self._unit.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            try:
                for owner_id, events in self._news(self, self._seen):
                    self._publish(self.outbox, events, owner_id=owner_id)
            except BaseException as failed:
                self._unit.__exit__(type(failed), failed, failed.__traceback__)
                raise
        self._unit.__exit__(exc_type, exc, tb)


class _Remembering:
    """A repository that notes every aggregate it hands out or is given; anything else passes through."""

    def __init__(self, repository: Any, seen: list[Any]) -> None:
        self._repository = repository
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        # Listings and id queries: what they return is shown, never changed and saved.
        return getattr(self._repository, name)

    def _note(self, item: Any) -> Any:
        if item is not None and not any(item is known for known in self._seen):
            self._seen.append(item)
        return item

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._repository.get(*args, **kwargs))

    def get_for_update(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._repository.get_for_update(*args, **kwargs))

    def find_by_gateway_reference(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._repository.find_by_gateway_reference(*args, **kwargs))

    def hold_as_known(self, item: Any) -> bool:
        # An aggregate read in an earlier unit of work, taken as its row's state in this one.
        held = bool(self._repository.hold_as_known(item))
        if held:
            self._note(item)
        return held

    def add(self, item: Any, **options: Any) -> Any:
        added = self._repository.add(item, **options)
        self._note(item)
        return added

    def add_if_absent(self, item: Any) -> tuple[Any, bool]:
        # When the row existed, what was built here (and the events it holds) is not what was stored.
        stored, added = self._repository.add_if_absent(item)
        self._note(stored)
        return stored, added

    def save(self, item: Any, *args: Any, **kwargs: Any) -> Any:
        saved = self._repository.save(item, *args, **kwargs)
        self._note(item)
        return saved
