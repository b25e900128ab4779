"""Daily counters: a row appended per change (sent with the unit of work's writes), folded into the daily
tables by a periodic job; their summaries read the folded counters and the pending changes together."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from adapters.django_orm.identity.models import User
from adapters.django_orm.payments.models import MerchantDailyStats, PlatformDailyStats, StatsDelta
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
        # Appended (no row anyone else writes, so no lock to wait for), folded into the daily tables later.
        # Held by the open unit of work and sent with its other writes, in one statement before it commits.
        write_batch.append_counts(
            _DELTA, {"seller_id": seller_id, "day": day, "currency": currency}, {c: int(v) for c, v in deltas.items()}
        )


_DELTA = StatsDelta._meta.db_table
_MERCHANT = MerchantDailyStats._meta.db_table
_PLATFORM = PlatformDailyStats._meta.db_table
_SUMS = ", ".join(f"SUM({c})" for c in COUNTERS)
_COLUMNS = ", ".join(COUNTERS)


class DjangoStatsQuery:
    def summary(self, *, seller_id: str | None, since: date | None) -> StatsSummary:
        daily_rows = _daily_rows(seller_id, since)
        totals: dict[str, int] = defaultdict(int)
        volume: dict[str, int] = defaultdict(int)
        refunded: dict[str, int] = defaultdict(int)
        daily: list[DailyStats] = []
        for day, currency, *sums in daily_rows:
            values = {c: int(v or 0) for c, v in zip(COUNTERS, sums, strict=True)}
            for name, value in values.items():
                totals[name] += value
            volume[currency] += values["volume_minor"]
            refunded[currency] += values["refunded_minor"]
            daily.append(DailyStats(day=_as_date(day), currency=currency, **values))
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

    def fold_pending(self, *, limit: int) -> int:
        """Moves up to ``limit`` appended changes into the daily tables, atomically; how many it moved.

        On PostgreSQL one statement deletes the changes and adds them up into a random shard of each
        daily table, so a stats read (one statement too) counts each change exactly once, before or
        after. Concurrent folds skip each other's rows; a change committed meanwhile waits for the next.
        """
        if connection.vendor == "postgresql":
            return _fold_postgresql(limit)
        return _fold_portable(limit)

    def platform_counts(self) -> PlatformCounts:
        by_role = {row["role"]: row["n"] for row in User.objects.values("role").annotate(n=Count("id"))}
        return PlatformCounts(
            merchants=by_role.get("merchant", 0), admins=by_role.get("admin", 0), users_by_role=by_role
        )


def _daily_rows(seller_id: str | None, since: date | None) -> list[tuple[Any, ...]]:
    """(day, currency, the counters' sums) per day and currency: folded counters plus appended changes."""
    where, params = [], []
    if seller_id is not None:
        where.append("seller_id = %s")
        params.append(seller_id)
    if since is not None:
        where.append("day >= %s")
        params.append(connection.ops.adapt_datefield_value(since))
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    folded = _MERCHANT if seller_id is not None else _PLATFORM
    sql = (
        f"SELECT day, currency, {_SUMS} FROM ("  # noqa: S608 - names are constants
        f"SELECT day, currency, {_COLUMNS} FROM {folded}{condition} "
        f"UNION ALL SELECT day, currency, {_COLUMNS} FROM {_DELTA}{condition}"
        ") counts GROUP BY day, currency ORDER BY day, currency"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return cursor.fetchall()


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite hands dates back as text


def _fold_postgresql(limit: int) -> int:
    totals = ", ".join(f"SUM({c})" for c in COUNTERS)
    added = ", ".join(f"{c} = {{table}}.{c} + excluded.{c}" for c in COUNTERS)
    sql = (
        f"WITH moved AS (DELETE FROM {_DELTA} WHERE id IN ("  # noqa: S608 - names are constants
        f"SELECT id FROM {_DELTA} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
        f"RETURNING seller_id, day, currency, {_COLUMNS}), "
        f"merchant AS (INSERT INTO {_MERCHANT} (seller_id, day, currency, shard, {_COLUMNS}) "
        f"SELECT seller_id, day, currency, %s, {totals} FROM moved GROUP BY seller_id, day, currency "
        f"ON CONFLICT (seller_id, day, currency, shard) DO UPDATE SET {added.format(table=_MERCHANT)}), "
        f"platform AS (INSERT INTO {_PLATFORM} (day, currency, shard, {_COLUMNS}) "
        f"SELECT day, currency, %s, {totals} FROM moved GROUP BY day, currency "
        f"ON CONFLICT (day, currency, shard) DO UPDATE SET {added.format(table=_PLATFORM)}) "
        "SELECT count(*) FROM moved"
    )
    shards = (secrets.randbelow(MerchantDailyStats.SHARDS), secrets.randbelow(PlatformDailyStats.SHARDS))
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, *shards])
        return int(cursor.fetchone()[0])


def _fold_portable(limit: int) -> int:
    """The same in a transaction (SQLite locks the whole database for it)."""
    with transaction.atomic():
        rows = list(StatsDelta.objects.order_by("id").values("id", "seller_id", "day", "currency", *COUNTERS)[:limit])
        if not rows:
            return 0
        merchant: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        platform: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        merchant_shard = secrets.randbelow(MerchantDailyStats.SHARDS)
        platform_shard = secrets.randbelow(PlatformDailyStats.SHARDS)
        for row in rows:
            row["day"] = connection.ops.adapt_datefield_value(row["day"])
            for c in COUNTERS:
                merchant[(row["seller_id"], row["day"], row["currency"], merchant_shard)][c] += row[c]
                platform[(row["day"], row["currency"], platform_shard)][c] += row[c]
        with connection.cursor() as cursor:
            cursor.execute(*write_batch.increments_sql(_MERCHANT, ("seller_id", "day", "currency", "shard"), merchant))
            cursor.execute(*write_batch.increments_sql(_PLATFORM, ("day", "currency", "shard"), platform))
        StatsDelta.objects.filter(id__in=[row["id"] for row in rows]).delete()
        return len(rows)
