"""Idempotency records: a unique (scope, key) row reserved before the work and completed with it.

Stored response bodies can hold what is shown only once (a new API key, a webhook signing
secret), so they are sealed at rest: AES-256-GCM under a key derived from ``SECRET_KEY``, bound
to the record's id. The application port still sees plain bytes. A body without the sealed
prefix was written before encryption existed (migration ``0003`` seals those in place; an old
process in a rolling deploy may still write one) and is replayed as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from adapters.crypto import SecretBox, derive_key, secret_keys_from_settings
from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.models import IdempotencyRecord
from adapters.django_orm.platform.unit_of_work import one_transaction
from adapters.django_orm.shared.claims import insert_values_unless_taken
from application.shared.idempotency import NotKeptWithTheWork, StoredResponse
from domain.shared.ids import new_id

# HKDF purpose label of the key that seals stored response bodies.
BODY_KEY_PURPOSE = "partnerpay/idempotency/response-body/v1"
# HKDF purpose label of the Idempotency-Key request fingerprint's HMAC key.
FINGERPRINT_KEY_PURPOSE = "partnerpay/idempotency/fingerprint/v1"


def fingerprint_key_from_settings() -> bytes:
    """The HMAC key of Idempotency-Key request fingerprints (application.shared.idempotency)."""
    return derive_key(settings.SECRET_KEY, FINGERPRINT_KEY_PURPOSE)


class DjangoIdempotencyStore:
    def __init__(self, box: SecretBox) -> None:
        self._box = box

    @classmethod
    def from_settings(cls) -> DjangoIdempotencyStore:
        """Sealed under ``SECRET_KEY``; what was sealed under a key now in ``SECRET_KEY_FALLBACKS`` still opens."""
        return cls(SecretBox.from_secret_keys(secret_keys_from_settings(), BODY_KEY_PURPOSE))

    def reserve(
        self, *, scope: str, key: str, fingerprint: str, now: datetime, lease: timedelta
    ) -> tuple[str, str, StoredResponse | None, bool]:
        while True:
            claimed = self._claim(scope=scope, key=key, fingerprint=fingerprint, now=now, lease=lease)
            if claimed is not None:
                return claimed
            # Released (deleted) by a failed attempt between our insert and our read: claim again.

    def _claim(
        self, *, scope: str, key: str, fingerprint: str, now: datetime, lease: timedelta
    ) -> tuple[str, str, StoredResponse | None, bool] | None:
        # A new key, the common case, costs one autocommitted statement (no BEGIN/COMMIT around
        # it); the existing record is read, and locked to decide a takeover, only when the key is taken.
        record_id = new_id()
        record = {
            "id": record_id,
            "scope": scope,
            "key": key,
            "fingerprint": fingerprint,
            "locked_until": now + lease,
            "created_at": now,
        }
        if insert_values_unless_taken(IdempotencyRecord, record, unique=("scope", "key"), returning="id") is not None:
            return str(record_id), fingerprint, None, True
        with transaction.atomic():
            found = IdempotencyRecord.objects.select_for_update().filter(scope=scope, key=key).first()
            if found is None:
                return None
            if found.response_status is not None:
                return (
                    str(found.id),
                    found.fingerprint,
                    StoredResponse(
                        status=found.response_status,
                        body=self._open(str(found.id), bytes(found.response_body or b"")),
                        content_type=found.response_content_type,
                    ),
                    False,
                )
            stale = found.locked_until is not None and found.locked_until < now
            if stale and found.fingerprint == fingerprint:
                # The first attempt died without finishing: this one takes over.
                found.locked_until = now + lease
                found.save(update_fields=["locked_until"])
                return str(found.id), fingerprint, None, True
            return str(found.id), found.fingerprint, None, False

    def complete(self, record_id: str, response: StoredResponse, *, now: datetime) -> None:
        # One UPDATE by id, its text built once (write_batch): sent at once outside a unit of work.
        write_batch.update(
            IdempotencyRecord,
            record_id,
            {
                "response_status": response.status,
                "response_body": self._box.seal(response.body, context=sealing_context(record_id)),
                "response_content_type": response.content_type,
                "completed_at": now,
                "locked_until": None,
            },
        )

    @contextmanager
    def with_the_work(
        self, *, scope: str, key: str, fingerprint: str, now: datetime
    ) -> Iterator[Callable[[StoredResponse, datetime], None]]:
        # The completed record is a plain INSERT held in the transaction's batch: it goes out with the
        # work's own writes in one statement. A record of the key committed meanwhile (a replay, a racing
        # twin: its insert waits for ours to end) fails that statement, and the transaction rolls back.
        record_id = str(new_id())

        def keep(response: StoredResponse, completed_at: datetime) -> None:
            write_batch.insert_values(
                IdempotencyRecord,
                {
                    "id": uuid.UUID(record_id),
                    "scope": scope,
                    "key": key,
                    "fingerprint": fingerprint,
                    "locked_until": None,
                    "response_status": response.status,
                    "response_body": self._box.seal(response.body, context=sealing_context(record_id)),
                    "response_content_type": response.content_type,
                    "created_at": now,
                    "completed_at": completed_at,
                },
            )

        try:
            with one_transaction():
                yield keep
        except IntegrityError as conflict:
            # Any unique conflict, the key's or the work's own (an order of this key's intent id made by
            # a run whose record was purged): nothing was kept; the begin/complete way sorts it out.
            raise NotKeptWithTheWork(str(conflict)) from conflict

    def release(self, record_id: str) -> None:
        IdempotencyRecord.objects.filter(pk=record_id, response_status__isnull=True).delete()

    def purge_older_than(self, cutoff: datetime) -> int:
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        return deleted

    def _open(self, record_id: str, stored: bytes) -> bytes:
        if not SecretBox.is_sealed(stored):
            return stored  # written before bodies were sealed
        return self._box.open(stored, context=sealing_context(record_id))


def sealing_context(record_id: str) -> bytes:
    # The UUID's canonical text: a sealed body opens only on the record it was written for.
    return f"idempotency-record:{uuid.UUID(record_id)}".encode()
