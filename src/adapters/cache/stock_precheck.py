"""Seed 001's Redis layer in front of the stock UPDATE: a per-variant counter, decremented atomically.

A Lua script checks and decrements in one step, so two buyers cannot both take the last unit from
the counter. The counter is seeded from the database on first use and expires after ``ttl``
seconds, so any drift (a crash between the counter and the database, stock added by a vendor)
heals by itself. The database's conditional UPDATE still decides every sale.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings

_TAKE = """
local have = redis.call('GET', KEYS[1])
if not have then return -1 end
if tonumber(have) < tonumber(ARGV[1]) then return 0 end
redis.call('DECRBY', KEYS[1], ARGV[1])
return 1
"""

_GIVE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
return 1
"""


def stock_precheck_from_settings() -> RedisStockPrecheck | None:
    """Only when ``MARKETPLACE_STOCK_PRECHECK_URL`` names a Redis; otherwise the database alone decides."""
    url = getattr(settings, "MARKETPLACE_STOCK_PRECHECK_URL", None)
    return RedisStockPrecheck(url) if url else None


class RedisStockPrecheck:
    def __init__(self, url: str, *, ttl_seconds: int = 30, prefix: str = "partnerpay:stock:") -> None:
        self._client: Any = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._take = self._client.register_script(_TAKE)
        self._give_back = self._client.register_script(_GIVE_BACK)
        self._ttl = ttl_seconds
        self._prefix = prefix

    def _key(self, variant_id: str) -> str:
        return f"{self._prefix}{variant_id}"

    def try_take(self, variant_id: str, quantity: int, *, seed: Callable[[], int | None]) -> bool:
        key = self._key(variant_id)
        try:
            taken = int(self._take(keys=[key], args=[quantity]))
            if taken == -1:
                available = seed()
                if available is None:
                    return True  # unknown variant: the database answers 404
                self._client.set(key, available, nx=True, ex=self._ttl)
                taken = int(self._take(keys=[key], args=[quantity]))
        except redis.RedisError:
            return True  # Redis down: the database alone decides, as it always does
        return taken != 0

    def give_back(self, variant_id: str, quantity: int) -> None:
        # On a Redis error the counter expires and is rebuilt from the database.
        with contextlib.suppress(redis.RedisError):
            self._give_back(keys=[self._key(variant_id)], args=[quantity])

    def forget(self, variant_id: str) -> None:
        with contextlib.suppress(redis.RedisError):
            self._client.delete(self._key(variant_id))
