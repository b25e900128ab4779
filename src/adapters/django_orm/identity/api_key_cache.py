"""API keys remembered in-process for a few seconds, so a key's request does not SELECT its row each time.

Every API-key request used to look its key up (issue 15: one of an order's statements). The cache
holds what ``find_active_by_hash`` answered, keyed by the key's hash (the plaintext never reaches
it), for ``ttl_seconds`` (``API_KEY_CACHE_SECONDS``, 5 by default; 0 turns it off), at most
``max_entries`` keys, least recently used first out. Misses are not remembered: unknown keys cannot
push real ones out, and a new key works on its first request.

Revocation: another process's revocation (or deactivation of the owner) is honoured once the entry
expires, within ``ttl_seconds``. In this process it is honoured at once: revoking through the
repository forgets the key (and again after the commit, so a lookup racing the revoking transaction
cannot re-remember the old row), and the back office's edits of a key or a user (admin saves and
deletes, which send model signals) forget that key or that user's keys in every live cache.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from adapters.django_orm.identity.models import ApiKey as ApiKeyRow
from adapters.django_orm.identity.models import User as UserRow
from application.identity.ports import ApiKeyRepository
from domain.identity.api_key import ApiKey
from domain.identity.user import Role

Found = tuple[ApiKey, Role]

# Every cache alive in this process, for the model signals below (a rebuilt container drops its old one).
_LIVE: weakref.WeakSet[CachedApiKeyRepository] = weakref.WeakSet()


class CachedApiKeyRepository:
    """``ApiKeyRepository`` in front of another: lookups by hash cached, writes passed through."""

    def __init__(
        self,
        inner: ApiKeyRepository,
        *,
        ttl_seconds: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.ttl_seconds = ttl_seconds
        self.max_entries = max(1, max_entries)
        # Monotonic seconds; tests move it instead of sleeping.
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Found]] = OrderedDict()
        self._lock = threading.Lock()
        # Bumped by every forget: a lookup that overlapped one does not remember what it read.
        self._generation = 0
        _LIVE.add(self)

    @classmethod
    def from_settings(cls, inner: ApiKeyRepository) -> CachedApiKeyRepository:
        return cls(
            inner,
            ttl_seconds=float(getattr(settings, "API_KEY_CACHE_SECONDS", 5)),
            max_entries=int(getattr(settings, "API_KEY_CACHE_SIZE", 10_000)),
        )

    # --- the cached read ------------------------------------------------------------------------

    def find_active_by_hash(self, key_hash: str) -> Found | None:
        if self.ttl_seconds <= 0:
            return self.inner.find_active_by_hash(key_hash)
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key_hash)
            if entry is not None:
                if entry[0] > now:
                    self._entries.move_to_end(key_hash)
                    return entry[1]
                del self._entries[key_hash]
            generation = self._generation
        found = self.inner.find_active_by_hash(key_hash)
        with self._lock:
            # A revocation forgotten while this lookup ran may have been read before it committed.
            if found is not None and generation == self._generation:
                self._entries[key_hash] = (now + self.ttl_seconds, found)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return found

    def touch(self, key_id: str, *, at: datetime) -> None:
        self.inner.touch(key_id, at=at)
        # The remembered key learns its new last use, or every request would touch it again.
        with self._lock:
            for key_hash, (expires, (key, role)) in list(self._entries.items()):
                if key.id == key_id:
                    self._entries[key_hash] = (expires, (replace(key, last_used_at=at), role))

    # --- writes, passed through; revocations forget ---------------------------------------------

    def add(self, key: ApiKey, *, key_hash: str) -> None:
        self.inner.add(key, key_hash=key_hash)

    def list_for_user(self, user_id: str) -> list[ApiKey]:
        return self.inner.list_for_user(user_id)

    def revoke(self, key_id: str, *, user_id: str, at: datetime) -> bool:
        revoked = self.inner.revoke(key_id, user_id=user_id, at=at)
        self.forget_key(key_id)
        return revoked

    def revoke_all_for_user(self, user_id: str, *, at: datetime) -> None:
        self.inner.revoke_all_for_user(user_id, at=at)
        self.forget_user(user_id)

    def forget_key(self, key_id: str) -> None:
        self._forget_now_and_on_commit(lambda _, found: found[0].id == key_id)

    def forget_user(self, user_id: str) -> None:
        self._forget_now_and_on_commit(lambda _, found: found[0].user_id == user_id)

    def clear(self) -> None:
        self._forget(lambda _, __: True)

    def __len__(self) -> int:
        return len(self._entries)

    def _forget_now_and_on_commit(self, matches: Callable[[str, Found], bool]) -> None:
        self._forget(matches)
        # Outside a transaction this runs at once; inside, after the revocation is visible to all.
        transaction.on_commit(lambda: self._forget(matches))

    def _forget(self, matches: Callable[[str, Found], bool]) -> None:
        with self._lock:
            self._generation += 1
            for key_hash in [h for h, (_, found) in self._entries.items() if matches(h, found)]:
                del self._entries[key_hash]


def _key_changed(sender: Any, instance: ApiKeyRow, **kwargs: Any) -> None:
    for cache in list(_LIVE):
        cache.forget_key(str(instance.pk))


def _user_changed(sender: Any, instance: UserRow, **kwargs: Any) -> None:
    for cache in list(_LIVE):
        cache.forget_user(str(instance.pk))


post_save.connect(_key_changed, sender=ApiKeyRow, dispatch_uid="partnerpay-api-key-cache-key-saved")
post_delete.connect(_key_changed, sender=ApiKeyRow, dispatch_uid="partnerpay-api-key-cache-key-deleted")
post_save.connect(_user_changed, sender=UserRow, dispatch_uid="partnerpay-api-key-cache-user-saved")
post_delete.connect(_user_changed, sender=UserRow, dispatch_uid="partnerpay-api-key-cache-user-deleted")
