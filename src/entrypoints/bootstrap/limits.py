"""Rate limits that routers apply directly (gateway webhooks), on the shared sliding-window limiter."""

from __future__ import annotations

from adapters.cache.rate_limit import SlidingWindowLimiter, parse_rate
from application.shared.errors import RateLimited
from entrypoints.bootstrap.platform import setting

limiter = SlidingWindowLimiter()


def check(bucket: str, *, rate_setting: str, default: str) -> None:
    """Counts one hit on ``bucket`` at the rate named by ``rate_setting``; raises RateLimited over it."""
    limit, window = parse_rate(str(setting(rate_setting, default)))
    wait = limiter.hit(bucket, limit=limit, window_seconds=window)
    if wait is not None:
        raise RateLimited("Too many requests; retry later", retry_after=wait)
