"""Rate limits on the shared cache (Redis in production): a sliding window over two fixed windows.

The count is the current window's hits plus the previous window's, weighted by how much of it still
overlaps the sliding window (Cloudflare's approximation). Unlike a plain fixed window, a client cannot
double its rate by bursting at a window boundary. Counting is atomic (``add`` + ``incr``), so every
process sharing the cache shares the limit.
"""

from __future__ import annotations

import contextlib
import re
import time

from django.conf import settings
from django.core.cache import cache

from application.shared.errors import RateLimited

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/minute"`` -> (5, 60); ``"10/15m"`` -> (10, 900); ``"100/30s"`` -> (100, 30)."""
    match = _RATE.match(rate.lower())
    if not match or (match.group(3).rstrip("s") not in _UNITS and match.group(3) not in _UNITS):
        raise ValueError(f"not a rate: {rate!r} (use e.g. 5/minute, 10/15m, 100/30s)")
    unit = _UNITS.get(match.group(3)) or _UNITS[match.group(3).rstrip("s")]
    limit, count = int(match.group(1)), int(match.group(2) or 1)
    if limit < 1 or count < 1:
        raise ValueError(f"not a rate: {rate!r}")
    return limit, count * unit


def rate_setting(name: str, default: str) -> tuple[int, int]:
    """The rate the setting ``name`` holds (``"5/minute"``), parsed; ``default`` when it is not set."""
    return parse_rate(str(getattr(settings, name, default)))


class SlidingWindowLimiter:
    def __init__(self, prefix: str = "rl2") -> None:
        self._prefix = prefix

    def hit(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        """Counts one hit; None if allowed, else the seconds until a retry can succeed."""
        now = time.time()
        window = int(now // window_seconds)
        key = f"{self._prefix}:{bucket}:{window}"
        cache.add(key, 0, timeout=2 * window_seconds + 1)
        try:
            current = int(cache.incr(key))
        except ValueError:  # expired between add and incr: the first hit of a new window
            cache.add(key, 1, timeout=2 * window_seconds + 1)
            current = 1
        previous = int(cache.get(f"{self._prefix}:{bucket}:{window - 1}", 0) or 0)
        elapsed = (now - window * window_seconds) / window_seconds
        estimated = previous * (1 - elapsed) + current
        if estimated <= limit:
            return None
        # Refused hits do not count against the client: undo, so waiting is enough to get back in.
        with contextlib.suppress(ValueError):
            cache.decr(key)
        if previous and current <= limit:
            # Waiting lets the previous window's weight fall off: wait until enough of it has.
            needed = (estimated - limit) / previous
            return max(1, int(needed * window_seconds) + 1)
        return max(1, int((window + 1) * window_seconds - now) + 1)

    def check(self, bucket: str, *, setting: str, default: str) -> None:
        """One hit at the rate the setting holds (read on every call); raises RateLimited over it."""
        limit, window = rate_setting(setting, default)
        wait = self.hit(bucket, limit=limit, window_seconds=window)
        if wait is not None:
            raise RateLimited("Too many requests; retry later", retry_after=wait)

    def blocked(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        """What ``hit`` would answer, without counting."""
        now = time.time()
        window = int(now // window_seconds)
        current = int(cache.get(f"{self._prefix}:{bucket}:{window}", 0) or 0)
        previous = int(cache.get(f"{self._prefix}:{bucket}:{window - 1}", 0) or 0)
        elapsed = (now - window * window_seconds) / window_seconds
        estimated = previous * (1 - elapsed) + current + 1
        if estimated <= limit:
            return None
        if previous and current < limit:
            return max(1, int((estimated - limit) / previous * window_seconds) + 1)
        return max(1, int((window + 1) * window_seconds - now) + 1)
