"""Daily counters: an atomic upsert per change (sent with the unit of work's writes), and their summaries."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Sum

from adapters.django_orm.identity.models import User
from adapters.django_orm.payments.models import MerchantDailyStats, PlatformDailyStats
from adapters.django_orm.platform import write_batch
from application.payments.stats import DailyStats, PlatformCounts, StatsSummary

COUNTERS = (
    "orders",
    "successful_payments",
    "failed_payments",
    "refunds",
    "cancelled",
    "volume_minor",
    "refunded_minor",
)


class DjangoStatsRecorder:
    def record(self, *, seller_id: str, day: date, currency: str, **deltas: int) -> None:
        unknown = set(deltas) - set(COUNTERS)
        if unknown:
            raise ValueError(f"unknown counters {sorted(unknown)}")
        # Random shards: concurrent changes rarely wait on each other's row lock.
        merchant_keys = {
            "seller_id": seller_id,
            "day": day,
            "currency": currency,
            "shard": secrets.randbelow(MerchantDailyStats.SHARDS),
        }
        platform_keys = {"day": day, "currency": currency, "shard": secrets.randbelow(PlatformDailyStats.SHARDS)}
        # Held by the open unit of work and sent with its other writes, in one statement before it commits.
        write_batch.increment(MerchantDailyStats._meta.db_table, merchant_keys, deltas)
        write_batch.increment(PlatformDailyStats._meta.db_table, platform_keys, deltas)


class DjangoStatsQuery:
    def summary(self, *, seller_id: str | None, since: date | None) -> StatsSummary:
        queryset: Any = (
            MerchantDailyStats.objects.filter(seller_id=seller_id)
            if seller_id is not None
            else PlatformDailyStats.objects.all()
        )
        if since is not None:
            queryset = queryset.filter(day__gte=since)
        sums = {f"s_{c}": Sum(c) for c in COUNTERS}
        daily_rows = queryset.values("day", "currency").annotate(**sums).order_by("day", "currency")
        totals: dict[str, int] = defaultdict(int)
        volume: dict[str, int] = defaultdict(int)
        refunded: dict[str, int] = defaultdict(int)
        daily: list[DailyStats] = []
        for row in daily_rows:
            values = {c: int(row[f"s_{c}"] or 0) for c in COUNTERS}
            for name, value in values.items():
                totals[name] += value
            volume[row["currency"]] += values["volume_minor"]
            refunded[row["currency"]] += values["refunded_minor"]
            daily.append(DailyStats(day=row["day"], currency=row["currency"], **values))
        return StatsSummary(
            total_orders=totals["orders"],
            successful_payments=totals["successful_payments"],
            failed_payments=totals["failed_payments"],
            successful_refunds=totals["refunds"],
            canceled_orders=totals["cancelled"],
            volume=dict(volume),
            refunded=dict(refunded),
            daily=daily,
        )

    def platform_counts(self) -> PlatformCounts:
        by_role = {row["role"]: row["n"] for row in User.objects.values("role").annotate(n=Count("id"))}
        return PlatformCounts(
            merchants=by_role.get("merchant", 0), admins=by_role.get("admin", 0), users_by_role=by_role
        )
