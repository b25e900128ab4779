"""When a failed delivery is tried again: a fixed schedule of waits, about a day in all.

The defaults follow Standard Webhooks practice (and Svix's): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
10 h, i.e. eight attempts over roughly 27.6 hours. ``WEBHOOK_RETRY_SCHEDULE`` overrides it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.shared.errors import InvalidValue

DEFAULT_RETRY_SCHEDULE_SECONDS: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
# The longest wait between two tries; a longer one would outlive any receiver's idea of "a retry".
MAX_DELAY_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """``delays[n-1]`` is the wait after failed attempt ``n``; after the last delay comes the last attempt."""

    delays: tuple[timedelta, ...]

    @classmethod
    def of_seconds(cls, seconds: Sequence[float]) -> RetrySchedule:
        if any(s < 0 or s > MAX_DELAY_SECONDS for s in seconds):
            raise InvalidValue(
                f"Retry delays must be between 0 and {MAX_DELAY_SECONDS} seconds", code="invalid_retry_schedule"
            )
        return cls(tuple(timedelta(seconds=s) for s in seconds))

    @classmethod
    def parse(cls, raw: str) -> RetrySchedule:
        """``"5,300,1800"``; an empty string means the default schedule."""
        if not raw.strip():
            return cls.default()
        try:
            seconds = [float(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise InvalidValue(
                f"WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, not {raw!r}", code="invalid_retry_schedule"
            ) from None
        return cls.of_seconds(seconds)

    @classmethod
    def default(cls) -> RetrySchedule:
        return cls.of_seconds(DEFAULT_RETRY_SCHEDULE_SECONDS)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def delay_after(self, attempt: int) -> timedelta | None:
        """The wait after failed attempt ``attempt`` (1-based); None once the schedule is spent."""
        if 1 <= attempt <= len(self.delays):
            return self.delays[attempt - 1]
        return None
