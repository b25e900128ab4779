"""Driving outbox messages to completion.

The outbox row is written in the business transaction. A worker claims it with a lease,
runs the topic's handler, and records the outcome. A worker killed mid-job leaves a row
whose lease expires; the sweeper hands it out again. Handlers therefore must be idempotent.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.shared.clock import Clock

DEFAULT_LEASE = timedelta(seconds=120)
DEFAULT_MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 3600


class RetryLater(Exception):
    """Raised by a handler that wants its own schedule (e.g. webhook retries)."""

    def __init__(
        self, reason: str, *, delay: timedelta | None = None, give_up: bool = False, defer: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
        self.give_up = give_up
        # Not attempted at all (an endpoint paused or at its cap): the attempt is given back.
        self.defer = defer


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    id: str
    topic: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


class OutboxStore(Protocol):
    def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> ClaimedMessage | None: ...

    def mark_done(self, message_id: str, *, now: datetime) -> None: ...

    def mark_retry(self, message_id: str, *, error: str, next_attempt_at: datetime) -> None: ...

    def mark_dead(self, message_id: str, *, error: str, now: datetime) -> None: ...

    def due_ids(self, *, now: datetime, limit: int) -> list[str]: ...

    def requeue(self, message_id: str, *, now: datetime) -> bool: ...

    def defer(self, message_id: str, *, reason: str, next_attempt_at: datetime) -> None:
        """Back to pending without spending an attempt (the handler did not try)."""
        ...


@dataclass(frozen=True, slots=True)
class Attempt:
    """Which run of its message a handler is in; for handlers that must act on the last one."""

    number: int
    max_attempts: int

    @property
    def is_last(self) -> bool:
        return self.number >= self.max_attempts


# ``handler(payload)``; a handler that declares a keyword parameter ``attempt`` also gets an Attempt.
OutboxHandler = Callable[..., None]


def _wants_attempt(handler: OutboxHandler) -> bool:
    try:
        return "attempt" in inspect.signature(handler).parameters
    except (TypeError, ValueError):  # builtins without a signature take the payload only
        return False


def handler_call(handler: OutboxHandler, payload: dict[str, Any], attempt: Attempt) -> None:
    """Calls ``handler`` with the attempt only if it declares the ``attempt`` keyword."""
    if _wants_attempt(handler):
        handler(payload, attempt=attempt)
    else:
        handler(payload)


def backoff_delay(attempts: int) -> timedelta:
    """Exponential backoff: 5 s, 10 s, 20 s, ... capped at an hour."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class OutboxOutcome:
    status: str  # "done" | "retry" | "dead" | "skipped" | "deferred"
    error: str = ""
    # When the message is due again (retry, deferred): a worker may schedule it rather than wait for the sweeper.
    next_attempt_at: datetime | None = None


def outbox_message_process(
    *,
    message_id: str,
    store: OutboxStore,
    handlers: Mapping[str, OutboxHandler],
    clock: Clock,
    lease: timedelta = DEFAULT_LEASE,
) -> OutboxOutcome:
    claimed = store.claim(message_id, now=clock.now(), lease=lease)
    if claimed is None:
        # Already done, dead, or leased by a live worker: nothing to do here.
        return OutboxOutcome("skipped")
    handler = handlers.get(claimed.topic)
    if handler is None:
        store.mark_dead(claimed.id, error=f"no handler for topic {claimed.topic!r}", now=clock.now())
        return OutboxOutcome("dead", f"no handler for topic {claimed.topic!r}")
    try:
        handler_call(handler, claimed.payload, Attempt(claimed.attempts, claimed.max_attempts))
    except RetryLater as retry:
        if retry.defer:
            due = clock.now() + (retry.delay or timedelta())
            store.defer(claimed.id, reason=retry.reason[:2000], next_attempt_at=due)
            return OutboxOutcome("deferred", retry.reason, next_attempt_at=due)
        return _fail(store, claimed, retry.reason, clock, delay=retry.delay, give_up=retry.give_up)
    except Exception as exc:  # noqa: BLE001 - any handler failure is recorded and retried
        return _fail(store, claimed, f"{type(exc).__name__}: {exc}", clock)
    store.mark_done(claimed.id, now=clock.now())
    return OutboxOutcome("done")


def _fail(
    store: OutboxStore,
    claimed: ClaimedMessage,
    error: str,
    clock: Clock,
    *,
    delay: timedelta | None = None,
    give_up: bool = False,
) -> OutboxOutcome:
    error = error[:2000]
    if give_up or claimed.attempts >= claimed.max_attempts:
        store.mark_dead(claimed.id, error=error, now=clock.now())
        return OutboxOutcome("dead", error)
    wait = delay if delay is not None else backoff_delay(claimed.attempts)
    due = clock.now() + wait
    store.mark_retry(claimed.id, error=error, next_attempt_at=due)
    return OutboxOutcome("retry", error, next_attempt_at=due)
