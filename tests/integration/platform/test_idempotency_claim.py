"""Claiming an Idempotency-Key (issue 15): a new key costs one statement, a taken one is read only then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.crypto import SecretBox
from adapters.django_orm.platform.idempotency_store import BODY_KEY_PURPOSE, DjangoIdempotencyStore
from adapters.django_orm.platform.models import IdempotencyRecord
from application.shared.idempotency import StoredResponse

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = timedelta(seconds=60)


def _store() -> DjangoIdempotencyStore:
    return DjangoIdempotencyStore(SecretBox.from_secret_keys(["k"], BODY_KEY_PURPOSE))


def test_a_new_key_is_claimed_in_one_autocommitted_statement():
    store = _store()
    with CaptureQueriesContext(connection) as captured:
        record_id, fingerprint, replay, created = store.reserve(
            scope="user:1", key="new", fingerprint="f", now=timezone.now(), lease=LEASE
        )
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    assert (fingerprint, replay, created) == ("f", None, True)
    assert IdempotencyRecord.objects.get(pk=record_id).locked_until is not None


def test_a_taken_key_is_read_and_answered_as_before():
    store = _store()
    now = timezone.now()
    record_id, *_ = store.reserve(scope="user:1", key="taken", fingerprint="f", now=now, lease=LEASE)
    assert store.reserve(scope="user:1", key="taken", fingerprint="f", now=now, lease=LEASE) == (
        record_id,
        "f",
        None,
        False,
    )
    assert store.reserve(scope="user:1", key="taken", fingerprint="other", now=now, lease=LEASE)[1:] == (
        "f",
        None,
        False,
    )
    # Past its lease, the same request takes the claim over.
    later = now + LEASE + timedelta(seconds=1)
    assert store.reserve(scope="user:1", key="taken", fingerprint="f", now=later, lease=LEASE) == (
        record_id,
        "f",
        None,
        True,
    )
    store.complete(record_id, StoredResponse(201, b"{}", "application/json"), now=later)
    assert store.reserve(scope="user:1", key="taken", fingerprint="f", now=later, lease=LEASE)[2] == StoredResponse(
        201, b"{}", "application/json"
    )


def test_a_released_key_is_claimed_afresh():
    store = _store()
    now = timezone.now()
    record_id, *_ = store.reserve(scope="user:1", key="released", fingerprint="f", now=now, lease=LEASE)
    store.release(record_id)
    again, _, _, created = store.reserve(scope="user:1", key="released", fingerprint="g", now=now, lease=LEASE)
    assert created
    assert again != record_id
