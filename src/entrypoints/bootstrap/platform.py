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

from adapters.cache.rate_limit import SlidingWindowLimiter
from adapters.django_orm.platform import conf
from adapters.django_orm.platform.event_log import DjangoEventLog
from adapters.django_orm.platform.idempotency_store import DjangoIdempotencyStore, fingerprint_key_from_settings
from adapters.django_orm.platform.outbox_store import DjangoOutbox, DjangoOutboxStore
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from application.shared.services import PlatformServices
from application.shared.subscriptions import Subscriptions
from domain.shared.clock import Clock, SystemClock


@dataclass
class Platform(PlatformServices):
    """The shared use cases on the Django adapters, plus what entrypoints share: idempotency, a limiter."""

    clock: Clock = field(default_factory=SystemClock)
    event_log: DjangoEventLog = field(default_factory=DjangoEventLog)
    outbox_store: DjangoOutboxStore = field(default_factory=DjangoOutboxStore)
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    outbox_lease: timedelta = field(default_factory=conf.outbox_lease)
    idempotency_store: DjangoIdempotencyStore = field(default_factory=DjangoIdempotencyStore.from_settings)
    # The HMAC key of Idempotency-Key request fingerprints (application.shared.idempotency).
    idempotency_key: bytes = field(default_factory=fingerprint_key_from_settings)
    dispatch: Callable[[Sequence[tuple[str, str]]], None] | None = None
    # The rate limits routers apply themselves (gateway webhooks), on the shared cache.
    limiter: SlidingWindowLimiter = field(default_factory=SlidingWindowLimiter)

    def outbox(self) -> DjangoOutbox:
        return DjangoOutbox(dispatch=self.dispatch, max_attempts=self.subscriptions.max_attempts())

    def uow(self, **repositories: Any) -> DjangoUnitOfWork:
        return DjangoUnitOfWork(outbox=self.outbox(), **repositories)

    def uow_factory(self, **repositories: Any) -> Callable[[], Any]:
        """A context's ``uow``: a fresh unit of work over these repositories on every call.

        ``Any``: the one ``DjangoUnitOfWork`` plays every context's protocol; the services field names it."""
        return lambda: self.uow(**repositories)


def setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)
