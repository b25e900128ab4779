"""What every context shares: clock, outbox, event log, idempotency store, subscriptions.

Context wiring modules (``bootstrap/<context>.py``) build their services from a ``Platform``;
``bootstrap/__init__.py`` builds the platform, then every context, in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings

from adapters.django_orm.platform.event_log import DjangoEventLog
from adapters.django_orm.platform.idempotency_store import DjangoIdempotencyStore, fingerprint_key_from_settings
from adapters.django_orm.platform.outbox_store import DjangoOutbox, DjangoOutboxStore
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from application.shared.events import StoredEvent, events_publish
from application.shared.outbox import DEFAULT_LEASE, OutboxOutcome, outbox_message_process
from application.shared.subscriptions import Subscriptions
from domain.shared.clock import Clock, SystemClock
from domain.shared.events import DomainEvent


@dataclass
class Platform:
    clock: Clock = field(default_factory=SystemClock)
    idempotency_store: DjangoIdempotencyStore = field(default_factory=DjangoIdempotencyStore.from_settings)
    outbox_store: DjangoOutboxStore = field(default_factory=DjangoOutboxStore)
    # Every outbox handler and event subscriber, declared by application/<context>/handlers.py.
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    dispatch: Callable[[str, str], None] | None = None
    event_log: DjangoEventLog = field(default_factory=DjangoEventLog)
    outbox_lease: timedelta = DEFAULT_LEASE
    # The HMAC key of Idempotency-Key request fingerprints (application.shared.idempotency).
    idempotency_key: bytes = field(default_factory=fingerprint_key_from_settings)

    def outbox(self) -> DjangoOutbox:
        return DjangoOutbox(dispatch=self.dispatch, max_attempts=self.subscriptions.max_attempts())

    def uow(self, **repositories: Any) -> DjangoUnitOfWork:
        return DjangoUnitOfWork(outbox=self.outbox(), **repositories)

    def uow_factory(self, **repositories: Any) -> Callable[[], Any]:
        """A context's ``uow``: a fresh unit of work over these repositories on every call.

        Typed ``Any`` on purpose: the one ``DjangoUnitOfWork`` plays every context's UnitOfWork
        protocol through attributes set at run time, which the services field it is passed to names.
        """
        return lambda: self.uow(**repositories)

    def publish(self, outbox: Any, events: Sequence[DomainEvent], *, owner_id: str) -> list[StoredEvent]:
        """Call inside a unit of work with its outbox, so events commit with the change."""
        return events_publish(
            events=events,
            owner_id=owner_id,
            log=self.event_log,
            outbox=outbox,
            subscribers=self.subscriptions.event_subscribers(),
            now=self.clock.now(),
        )

    def process_outbox_message(self, message_id: str) -> OutboxOutcome:
        return outbox_message_process(
            message_id=message_id,
            store=self.outbox_store,
            handlers=self.subscriptions.handlers(),
            clock=self.clock,
            lease=self.outbox_lease,
        )


def setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)
