"""Idempotency-Key semantics (Stripe's, and the IETF draft's), independent of HTTP framework.

begin() claims the key before the work, in one short statement of its own where the store can (an
insert that does nothing if the key is taken; the existing record is read only then). The caller
runs the operation, whose unit of work commits the change, then stores the response with
complete(). A crash in between leaves an in-flight claim whose lease expires, after which the same
key may run again.

An operation that writes only our own database (no provider call, nothing outside the transaction)
can instead keep its record with the work: ``with_the_work`` runs it in one transaction whose end
writes the completed record beside the change, one commit for both, so there is no in-flight claim
and nothing for a crash to leave between them. A key taken meanwhile makes that transaction fail
whole (``NotKeptWithTheWork``); the caller then runs the operation the begin/complete way above.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from json.encoder import encode_basestring_ascii
from typing import Any, Protocol

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

    def with_the_work(
        self, *, scope: str, key: str, fingerprint: str, now: datetime
    ) -> AbstractContextManager[Callable[[StoredResponse, datetime], None]]:
        """One transaction around the work, which the operation's units of work join; call what it
        yields with the response (and when it was made) to write the completed record in it. Raises
        ``NotKeptWithTheWork``, with nothing committed, if the record or the work met a conflicting write."""
        ...

    def purge_older_than(self, cutoff: datetime) -> int: ...


class NotKeptWithTheWork(Exception):
    """``with_the_work`` rolled back on a conflicting write (the key taken meanwhile, a racing insert):
    nothing of the attempt was kept; run the operation the begin/complete way."""


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"


def request_fingerprint(method: str, path: str, body: bytes, *, key: bytes) -> str:
    """A keyed HMAC-SHA256 of the request, with card secrets taken out before it is computed.

    The key (derived from ``SECRET_KEY`` in the composition root) means a stored fingerprint
    cannot be checked against guesses offline: a plain SHA-256 of a card payment's body gave
    the PAN and CVV back in minutes from BIN + last 4. The fingerprint covers the method, the
    path and a canonical form of the JSON body (sorted keys, no whitespace, numbers as sent), so
    key order and spacing don't matter and every other field does. In every ``card`` object the
    ``cvv`` never enters it, and the ``number`` enters only as its own keyed HMAC: the same key
    with a different card is still ``422 idempotency_key_reused``; a different CVV alone is not
    a different request (the first outcome is replayed).
    """
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (method.upper().encode(), path.encode(), _canonical_body(body, key)):
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


# Inside any "card" object: dropped entirely, and replaced by a keyed digest.
CARD_DROPPED_FIELDS = frozenset({"cvv", "cvc", "cvv2", "cvc2"})
CARD_NUMBER_FIELD = "number"


class _Number(str):
    """A JSON number kept as written ("1.50" and "1.5" stay different, as they were sent)."""


def _canonical_body(body: bytes, key: bytes) -> bytes:
    try:
        parsed = json.loads(body, parse_float=_Number, parse_int=_Number)
        return b"json:" + _encode(_redact(parsed, key)).encode()
    except (ValueError, RecursionError):
        # Not JSON (such a body fails validation before it gets here): the bytes as they are.
        return b"raw:" + body


def _redact(value: Any, key: bytes) -> Any:
    if isinstance(value, list):
        return [_redact(item, key) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for name, item in value.items():
        if name == "card" and isinstance(item, dict):
            item = _redact_card(item, key)
        out[name] = _redact(item, key)
    return out


def _redact_card(card: dict[str, Any], key: bytes) -> dict[str, Any]:
    out = {name: item for name, item in card.items() if name.lower() not in CARD_DROPPED_FIELDS}
    if CARD_NUMBER_FIELD in out:
        digits = "".join(ch for ch in str(out.pop(CARD_NUMBER_FIELD)) if ch.isdigit())
        out["number_hmac"] = hmac.new(key, b"card-number\0" + digits.encode(), hashlib.sha256).hexdigest()
    return out


def _encode(value: Any) -> str:
    if isinstance(value, _Number):
        return str(value)
    if type(value) is str:
        return _json_string(value)
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(_json_string(name) + ":" + _encode(item) for name, item in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    return json.dumps(value)


# ``json.dumps(text)`` for a ``str``: what it returns for one (its C function, without its two Python calls).
_json_string = encode_basestring_ascii


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
