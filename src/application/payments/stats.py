"""Merchant and admin statistics, read from per-merchant daily counters (constant cost per day)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from application.shared.access import require_admin, require_role
from domain.identity.user import Principal, Role


@dataclass(frozen=True, slots=True)
class DailyStats:
    day: date
    currency: str
    orders: int
    successful_payments: int
    failed_payments: int
    refunds: int
    cancelled: int
    volume_minor: int
    refunded_minor: int


@dataclass(frozen=True, slots=True)
class StatsSummary:
    total_orders: int = 0
    successful_payments: int = 0
    failed_payments: int = 0
    successful_refunds: int = 0
    canceled_orders: int = 0
    volume: dict[str, int] = field(default_factory=dict)
    refunded: dict[str, int] = field(default_factory=dict)
    daily: list[DailyStats] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlatformCounts:
    merchants: int
    admins: int
    users_by_role: dict[str, int]


class StatsQuery(Protocol):
    def summary(self, *, seller_id: str | None, since: date | None) -> StatsSummary: ...

    def platform_counts(self) -> PlatformCounts: ...

    def fold_pending(self, *, limit: int) -> int:
        """Moves up to ``limit`` recorded changes into the daily counters; how many it moved.

        Summaries count every recorded change whether folded or not: folding only keeps them cheap.
        """
        ...


def merchant_stats(*, query: StatsQuery, principal: Principal, since: date | None) -> StatsSummary:
    require_role(principal, Role.MERCHANT, Role.VENDOR, message="Only sellers have sales statistics")
    return query.summary(seller_id=principal.user_id, since=since)


def admin_stats(
    *, query: StatsQuery, principal: Principal, merchant_id: str | None, since: date | None
) -> tuple[StatsSummary, PlatformCounts | None]:
    require_admin(principal, message="Admins only")
    summary = query.summary(seller_id=merchant_id, since=since)
    return summary, (None if merchant_id else query.platform_counts())


def stats_fold(*, query: StatsQuery, batch: int) -> int:
    """Folds every recorded change into the daily counters, ``batch`` at a time; how many it folded."""
    total = 0
    while True:
        moved = query.fold_pending(limit=batch)
        total += moved
        if moved < batch:
            return total
