"""Idempotency-Key semantics (Stripe's, and the IETF draft's), independent of HTTP framework.

begin() reserves the key in its own short transaction. The caller then runs the operation
and calls complete() *inside the operation's transaction*, so the business change and the
stored response commit together. A crash in between leaves an in-flight reservation whose
lease expires, after which the same key may run again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from application.shared.errors import ApplicationError, Conflict, InvalidInput

MAX_KEY_LENGTH = 255
RETENTION = timedelta(hours=24)
IN_FLIGHT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Reservation:
    """Either a fresh reservation (``replay is None``) or a response to replay."""

    record_id: str
    replay: StoredResponse | None = None


class IdempotencyStore(Protocol):
    def reserve(
        self, *, scope: str, key: str, fingerprint: str, now: datetime, lease: timedelta
    ) -> tuple[str, str, StoredResponse | None, bool]:
        """Insert or fetch the record. Returns (record id, stored fingerprint, response, created)."""
        ...

    def complete(self, record_id: str, response: StoredResponse, *, now: datetime) -> None: ...

    def release(self, record_id: str) -> None: ...

    def purge_older_than(self, cutoff: datetime) -> int: ...


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(method.upper().encode())
    digest.update(b"\0")
    digest.update(path.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def validate_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
            code="invalid_idempotency_key",
            field="Idempotency-Key",
        )
    return key


def idempotency_begin(*, store: IdempotencyStore, scope: str, key: str, fingerprint: str, now: datetime) -> Reservation:
    record_id, stored_fingerprint, response, created = store.reserve(
        scope=scope, key=validate_key(key), fingerprint=fingerprint, now=now, lease=IN_FLIGHT_LEASE
    )
    if created:
        return Reservation(record_id)
    if stored_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different request",
        )
    if response is None:
        raise IdempotencyKeyInFlight("A request with this Idempotency-Key is still being processed")
    return Reservation(record_id, replay=response)


def is_replayable_failure(error: ApplicationError | Exception) -> bool:
    """Business refusals (409 order_not_payable, ...) are stored and replayed like successes.

    Input validation failures and unexpected errors are not: the client may fix and retry.
    """
    if isinstance(error, ApplicationError):
        return error.kind in {"conflict", "not_found", "forbidden"}
    kind = getattr(error, "kind", None)
    return kind == "conflict"
