"""The in-process API key cache (issue 15): lookups remembered for seconds, revocations honoured.

Another process's revocation is simulated by changing the row behind the cache's back (a plain
ORM update, as that process's repository would); the cache's clock is moved, never slept on.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from adapters.django_orm.identity.api_key_cache import CachedApiKeyRepository
from adapters.django_orm.identity.models import ApiKey as ApiKeyRow
from adapters.django_orm.identity.models import User as UserRow
from adapters.django_orm.identity.repositories import DjangoApiKeyRepository
from tests.factories.identity import ApiKeyFactory
from tests.integration.repository_checks import NOW

pytestmark = pytest.mark.django_db

TTL = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keys(clock) -> CachedApiKeyRepository:
    return CachedApiKeyRepository(DjangoApiKeyRepository(), ttl_seconds=TTL, max_entries=100, clock=clock)


def _key(plaintext: str) -> tuple[ApiKeyRow, str]:
    return ApiKeyFactory(plaintext=plaintext), hashlib.sha256(plaintext.encode()).hexdigest()


def _lookups(keys: CachedApiKeyRepository, digest: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        keys.find_active_by_hash(digest)
    return len(captured.captured_queries)


def test_a_key_is_looked_up_once_per_ttl(keys, clock):
    _, digest = _key("ppk_cached")
    assert _lookups(keys, digest) == 1
    assert _lookups(keys, digest) == 0
    clock.now += TTL - 0.01
    assert _lookups(keys, digest) == 0
    clock.now += 0.02
    assert _lookups(keys, digest) == 1


def test_the_cache_holds_hashes_never_the_plaintext(keys):
    _, digest = _key("ppk_secret_value")
    keys.find_active_by_hash(digest)
    assert list(keys._entries) == [digest]
    assert "ppk_secret_value" not in repr(keys._entries)


def test_unknown_keys_are_not_remembered(keys):
    assert keys.find_active_by_hash("0" * 64) is None
    assert len(keys) == 0
    assert _lookups(keys, "0" * 64) == 1


def test_a_revocation_elsewhere_is_honoured_within_the_ttl(keys, clock):
    row, digest = _key("ppk_revoked_elsewhere")
    assert keys.find_active_by_hash(digest) is not None
    ApiKeyRow.objects.filter(pk=row.pk).update(revoked_at=NOW)  # another process's repository
    assert keys.find_active_by_hash(digest) is not None  # still trusted, for at most the TTL
    clock.now += TTL
    assert keys.find_active_by_hash(digest) is None


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"deleted_at": NOW},
    ],
    ids=["deactivated", "deleted"],
)
def test_an_owner_deactivated_or_deleted_elsewhere_is_refused_within_the_ttl(keys, clock, change):
    row, digest = _key("ppk_owner_gone")
    assert keys.find_active_by_hash(digest) is not None
    UserRow.objects.filter(pk=row.user_id).update(**change)
    clock.now += TTL
    assert keys.find_active_by_hash(digest) is None


def test_revoking_through_the_cache_is_honoured_at_once(keys):
    row, digest = _key("ppk_revoked_here")
    _, other_digest = _key("ppk_kept")
    assert keys.find_active_by_hash(digest) is not None
    assert keys.find_active_by_hash(other_digest) is not None
    assert keys.revoke(str(row.pk), user_id=str(row.user_id), at=NOW)
    assert keys.find_active_by_hash(digest) is None
    assert _lookups(keys, other_digest) == 0  # only the revoked key is forgotten


def test_revoking_all_of_a_users_keys_is_honoured_at_once(keys):
    row, digest = _key("ppk_user_gone")
    assert keys.find_active_by_hash(digest) is not None
    keys.revoke_all_for_user(str(row.user_id), at=NOW)
    assert keys.find_active_by_hash(digest) is None


def test_back_office_edits_of_a_key_or_its_owner_are_honoured_at_once(keys):
    row, digest = _key("ppk_admin_revoked")
    assert keys.find_active_by_hash(digest) is not None
    row.revoked_at = NOW
    row.save()  # the Django admin saves the model: its signal reaches every live cache
    assert keys.find_active_by_hash(digest) is None

    row, digest = _key("ppk_admin_deactivated")
    assert keys.find_active_by_hash(digest) is not None
    owner = UserRow.objects.get(pk=row.user_id)
    owner.is_active = False
    owner.save()
    assert keys.find_active_by_hash(digest) is None


@pytest.mark.django_db(transaction=True)
def test_a_lookup_racing_a_revocation_does_not_remember_the_old_row(keys):
    row, digest = _key("ppk_race")
    read = threading.Event()
    revoked = threading.Event()
    inner = keys.inner
    original = inner.find_active_by_hash

    def slow_lookup(key_hash: str):  # type: ignore[no-untyped-def]
        found = original(key_hash)  # reads the row before the revocation commits
        read.set()
        revoked.wait(5)
        return found

    inner.find_active_by_hash = slow_lookup  # type: ignore[method-assign]
    results = []
    thread = threading.Thread(target=lambda: (results.append(keys.find_active_by_hash(digest)), connection.close()))
    thread.start()
    read.wait(5)
    with transaction.atomic():
        keys.revoke(str(row.pk), user_id=str(row.user_id), at=NOW)
    revoked.set()
    thread.join(5)
    inner.find_active_by_hash = original  # type: ignore[method-assign]
    assert results[0] is not None  # that request began before the revocation and may pass
    assert keys.find_active_by_hash(digest) is None  # the next one may not


def test_touch_updates_the_remembered_key(keys):
    row, digest = _key("ppk_touched")
    keys.find_active_by_hash(digest)
    keys.touch(str(row.pk), at=NOW + timedelta(minutes=1))
    found = keys.find_active_by_hash(digest)
    assert found is not None
    assert found[0].last_used_at == NOW + timedelta(minutes=1)
    row.refresh_from_db()
    assert row.last_used_at == NOW + timedelta(minutes=1)


def test_the_cache_is_bounded_least_recently_used_out(clock):
    keys = CachedApiKeyRepository(DjangoApiKeyRepository(), ttl_seconds=TTL, max_entries=3, clock=clock)
    digests = [_key(f"ppk_bounded_{n}")[1] for n in range(5)]
    for digest in digests[:3]:
        keys.find_active_by_hash(digest)
    keys.find_active_by_hash(digests[0])  # used again: the oldest is now digests[1]
    for digest in digests[3:]:
        keys.find_active_by_hash(digest)
    assert len(keys) == 3
    assert set(keys._entries) == {digests[0], digests[3], digests[4]}


def test_a_zero_ttl_turns_the_cache_off(clock):
    keys = CachedApiKeyRepository(DjangoApiKeyRepository(), ttl_seconds=0, max_entries=3, clock=clock)
    _, digest = _key("ppk_uncached")
    assert _lookups(keys, digest) == 1
    assert _lookups(keys, digest) == 1
    assert len(keys) == 0
