"""Per-endpoint concurrency cap and circuit breaker for outbound webhooks, on the shared cache.

Counters live in the cache every worker process shares (Redis in production, which it requires):

- ``inflight``: calls in progress to the endpoint; over the cap, a delivery is deferred instead of
  taking a worker. The key expires a little after the attempt deadline, so a worker killed mid-call
  cannot leak a slot for longer than that.
- ``fails``: consecutive failed attempts; at the threshold the circuit opens for the cooldown. After
  it, one attempt goes through (half-open): success closes the circuit, failure reopens it at once.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


class CacheEndpointGuard:
    def __init__(self, *, concurrency: int, failures: int, cooldown_seconds: int, deadline_seconds: float) -> None:
        self.concurrency = max(1, concurrency)
        self.failures = max(1, failures)
        self.cooldown = max(1, cooldown_seconds)
        self._slot_ttl = int(deadline_seconds) + 30

    @classmethod
    def from_settings(cls, *, deadline_seconds: float) -> CacheEndpointGuard:
        """The ``WEBHOOK_ENDPOINT_CONCURRENCY`` cap and the ``WEBHOOK_BREAKER_*`` circuit breaker."""
        return cls(
            concurrency=int(getattr(settings, "WEBHOOK_ENDPOINT_CONCURRENCY", 4)),
            failures=int(getattr(settings, "WEBHOOK_BREAKER_FAILURES", 5)),
            cooldown_seconds=int(getattr(settings, "WEBHOOK_BREAKER_COOLDOWN_SECONDS", 60)),
            deadline_seconds=deadline_seconds,
        )

    def paused_for(self, endpoint_id: str) -> float:
        until = cache.get(f"wh:open:{endpoint_id}")
        return max(0.0, float(until) - time.time()) if until else 0.0

    def acquire(self, endpoint_id: str) -> bool:
        key = f"wh:inflight:{endpoint_id}"
        cache.add(key, 0, timeout=self._slot_ttl)
        try:
            taken = int(cache.incr(key))
        except ValueError:
            cache.add(key, 1, timeout=self._slot_ttl)
            taken = 1
        cache.touch(key, self._slot_ttl)
        if taken > self.concurrency:
            self.release(endpoint_id)
            return False
        return True

    def release(self, endpoint_id: str) -> None:
        try:
            if int(cache.decr(f"wh:inflight:{endpoint_id}")) < 0:
                cache.set(f"wh:inflight:{endpoint_id}", 0, timeout=self._slot_ttl)
        except ValueError:
            pass  # expired meanwhile: nothing to give back

    def record(self, endpoint_id: str, *, success: bool) -> None:
        fails_key, half_open_key = f"wh:fails:{endpoint_id}", f"wh:half-open:{endpoint_id}"
        if success:
            cache.delete_many([fails_key, half_open_key])
            return
        if cache.get(half_open_key):
            self._open(endpoint_id)
            return
        cache.add(fails_key, 0, timeout=self.cooldown * 20)
        try:
            count = int(cache.incr(fails_key))
        except ValueError:
            count = 1
        if count >= self.failures:
            self._open(endpoint_id)

    def _open(self, endpoint_id: str) -> None:
        cache.set(f"wh:open:{endpoint_id}", time.time() + self.cooldown, timeout=self.cooldown)
        cache.set(f"wh:half-open:{endpoint_id}", 1, timeout=self.cooldown * 20)
        cache.delete(f"wh:fails:{endpoint_id}")
