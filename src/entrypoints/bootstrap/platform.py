"""What every context shares: clock, outbox, event log, idempotency store, subscriptions.

Context wiring modules (``bootstrap/<context>.py``) build their services from a ``Platform``;
``bootstrap/__init__.py`` builds the platform, then every context, in one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from adapters.crypto import SecretBox, derive_key, secret_keys_from_settings
from adapters.django_orm.platform.event_log import DjangoEventLog
from adapters.django_orm.platform.idempotency_store import BODY_KEY_PURPOSE, DjangoIdempotencyStore
from adapters.django_orm.platform.outbox_store import DjangoOutbox, DjangoOutboxStore
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from application.shared.events import StoredEvent, events_publish
from application.shared.outbox import DEFAULT_LEASE, OutboxOutcome, outbox_message_process
from application.shared.subscriptions import Subscriptions
from domain.shared.clock import Clock, SystemClock
from domain.shared.events import DomainEvent

# HKDF purpose label of the Idempotency-Key request fingerprint's HMAC key.
FINGERPRINT_KEY_PURPOSE = "partnerpay/idempotency/fingerprint/v1"


def _idempotency_store() -> DjangoIdempotencyStore:
    return DjangoIdempotencyStore(SecretBox.from_secret_keys(secret_keys_from_settings(), BODY_KEY_PURPOSE))


def _fingerprint_key() -> bytes:
    return derive_key(settings.SECRET_KEY, FINGERPRINT_KEY_PURPOSE)


@dataclass
class Platform:
    clock: Clock = field(default_factory=SystemClock)
    idempotency_store: DjangoIdempotencyStore = field(default_factory=_idempotency_store)
    outbox_store: DjangoOutboxStore = field(default_factory=DjangoOutboxStore)
    # Every outbox handler and event subscriber, declared by application/<context>/handlers.py.
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    dispatch: Callable[[Sequence[tuple[str, str]]], None] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    event_log: DjangoEventLog = field(default_factory=DjangoEventLog)
    outbox_lease: timedelta = DEFAULT_LEASE
    # The HMAC key of Idempotency-Key request fingerprints (application.shared.idempotency).
    idempotency_key: bytes = field(default_factory=_fingerprint_key)

    def outbox(self) -> DjangoOutbox:
        return DjangoOutbox(dispatch=self.dispatch, max_attempts=self.subscriptions.max_attempts())

    def uow(self, **repositories: Any) -> DjangoUnitOfWork:
        return DjangoUnitOfWork(outbox=self.outbox(), **repositories)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        with transaction.atomic():
            yield

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
