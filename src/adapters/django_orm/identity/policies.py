"""Django-backed policies: password validators and cache-backed rate limits."""

from __future__ import annotations

import time

from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError

from adapters.django_orm.identity.models import User as UserRow


class DjangoPasswordPolicy:
    def problems(self, password: str, *, email: str, name: str) -> list[str]:
        try:
            validate_password(password, user=UserRow(email=email, name=name))
        except ValidationError as exc:
            return [str(message) for message in exc.messages]
        return []


class CacheRateLimiter:
    """Fixed windows counted with atomic add/incr: Redis when REDIS_URL is set, so shared by every process."""

    def hit(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        now = time.time()
        window = int(now // window_seconds)
        key = f"ratelimit:{bucket}:{window}"
        cache.add(key, 0, timeout=window_seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:
            # The key expired between add and incr: this is the first hit of a new window.
            cache.add(key, 1, timeout=window_seconds + 1)
            count = 1
        if count > limit:
            return max(1, int((window + 1) * window_seconds - now) + 1)
        return None
