"""Issue 4: the merchant payment flow and the stats endpoints, on PostgreSQL with the production server.

1. Flows: each flow is ``POST /api/v1/orders`` then ``POST /api/v1/payments`` (card 4242...), with
   an API key, through granian (2 workers). The two calls chain (the payment needs the order id),
   so the load generator is an asyncio + httpx client keeping ``concurrency`` flows in flight;
   it shares the 2 cores with the server, so the figures are a floor.
2. Stats: 1,000,000 orders are written straight into the database (spread over 1,000 merchants
   and 365 days) with their daily counters, then ``GET /api/v1/merchants/me/stats`` and
   ``GET /api/v1/admin/stats`` (global and ``?merchant_id=``) are timed one request at a time.

Run: ``.venv/bin/python benchmarks/run_all.py --only payments``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

import httpx

from benchmarks import lib

NAME = "payments"
ORDERS = 1_000_000
MERCHANTS = 1_000
PASSWORD = "bench-passphrase-12345"


def _django(services: lib.Services) -> None:
    os.environ.update(
        {
            "DATABASE_URL": services.database_url,
            "REDIS_URL": services.redis_url,
            "DJANGO_SETTINGS_MODULE": "settings.main",
            "LOG_LEVEL": "WARNING",
        }
    )
    import sys

    for path in (str(lib.ROOT / "src"), str(lib.ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def _accounts() -> tuple[str, str, str]:
    """(merchant user id, merchant API key, admin email) — created once, reused across runs."""
    from entrypoints.bootstrap import container

    identity = container().identity
    merchant, _ = identity.demo_user_ensure(
        email="bench-merchant@partnerpay.local", password=PASSWORD, name="Bench", role="merchant"
    )
    key = "ppk_bench_" + "k" * 32
    identity.demo_api_key_ensure(user_id=merchant.id, plaintext=key, name="bench")
    identity.demo_user_ensure(email="bench-admin@partnerpay.local", password=PASSWORD, name="Admin", role="admin")
    return merchant.id, key, "bench-admin@partnerpay.local"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _flows(base: str, key: str, *, duration: float, concurrency: int) -> dict[str, Any]:
    headers = {"X-API-Key": key, **lib.DEFAULT_HEADERS}
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + duration
    card = {"number": "4242424242424242", "expiry": "12/35", "cvv": "123"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                order = await client.post("/api/v1/orders", json={"amount": "100.50", "currency": "INR"})
                if order.status_code != 201:
                    errors += 1
                    continue
                body = {"order_id": order.json()["id"], "method": "card", "card": card}
                payment = await client.post("/api/v1/payments", json=body)
                if payment.status_code != 201 or payment.json()["status"] != "captured":
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "flows": len(latencies),
        "errors": errors,
        "flows_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 99), 1) if latencies else None,
    }


def _seed_orders(services: lib.Services, merchant_id: str) -> int:
    """Writes bench orders (and their daily counters) once; returns how many bench orders exist."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM payments_order WHERE reference = 'bench'")
        existing = cursor.fetchone()[0]
        if existing >= ORDERS and not _platform_empty(cursor):
            return int(existing)
        cursor.execute(
            """
            INSERT INTO payments_order (id, kind, seller_id, buyer_id, amount_minor, amount_refunded_minor, currency,
                                        status, description, reference, metadata, status_before_refund,
                                        created_at, updated_at)
            SELECT gen_random_uuid(), 'merchant',
                   CASE WHEN i %% %s = 0 THEN %s ELSE 'bench-seller-' || (i %% %s) END,
                   NULL, 1000 + (i %% 50000), 0, 'INR',
                   CASE WHEN i %% 10 < 8 THEN 'paid' WHEN i %% 10 = 8 THEN 'failed' ELSE 'cancelled' END,
                   '', 'bench', '{}'::jsonb, '',
                   now() - ((i %% 365) || ' days')::interval, now()
            FROM generate_series(%s, %s) AS i
            """,
            [MERCHANTS, merchant_id, MERCHANTS, existing + 1, max(ORDERS, existing)],
        )
        cursor.execute(
            "DELETE FROM payments_merchant_daily_stats WHERE seller_id LIKE 'bench-seller-%%' OR seller_id = %s",
            [merchant_id],
        )
        cursor.execute(
            """
            INSERT INTO payments_merchant_daily_stats (seller_id, day, currency, orders, successful_payments,
                        failed_payments, refunds, cancelled, volume_minor, refunded_minor)
            SELECT seller_id, created_at::date, currency, count(*), count(*) FILTER (WHERE status = 'paid'),
                   count(*) FILTER (WHERE status = 'failed'), 0, count(*) FILTER (WHERE status = 'cancelled'),
                   coalesce(sum(amount_minor) FILTER (WHERE status = 'paid'), 0), 0
            FROM payments_order WHERE reference = 'bench' GROUP BY 1, 2, 3
            """
        )
        # Rebuild the sharded platform counters from the per-merchant ones (bench database only).
        cursor.execute("TRUNCATE payments_platform_daily_stats")
        cursor.execute(
            """
            INSERT INTO payments_platform_daily_stats (day, currency, shard, orders, successful_payments,
                        failed_payments, refunds, cancelled, volume_minor, refunded_minor)
            SELECT day, currency, abs(hashtext(seller_id)) % 16, sum(orders), sum(successful_payments),
                   sum(failed_payments), sum(refunds), sum(cancelled), sum(volume_minor), sum(refunded_minor)
            FROM payments_merchant_daily_stats GROUP BY 1, 2, 3
            """
        )
        cursor.execute("ANALYZE payments_platform_daily_stats")
        cursor.execute("ANALYZE payments_order")
        cursor.execute("ANALYZE payments_merchant_daily_stats")
        cursor.execute("SELECT count(*) FROM payments_order WHERE reference = 'bench'")
        return int(cursor.fetchone()[0])


def _platform_empty(cursor: Any) -> bool:
    cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM payments_platform_daily_stats)")
    return bool(cursor.fetchone()[0])


def _time_get(url: str, headers: dict[str, str], *, count: int) -> dict[str, Any]:
    timings = []
    with httpx.Client(headers={**headers, **lib.DEFAULT_HEADERS}, timeout=30) as client:
        client.get(url).raise_for_status()  # warm-up
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return {
        "requests": count,
        "p50_ms": round(statistics.median(timings), 1),
        "p99_ms": round(_percentile(timings, 99), 1),
        "max_ms": round(max(timings), 1),
    }


def run(*, duration: float = 30, concurrency: int = 32, workers: int = 2, stats_requests: int = 50) -> lib.Results:
    services = lib.ensure_services()
    _django(services)
    merchant_id, key, admin_email = _accounts()
    rows: list[dict[str, Any]] = []
    env = {"SANDBOX_CARD_DELAYS": "false"}
    with lib.start_server("granian", workers=workers, services=services, env=env) as server:
        base = server.url("")
        asyncio.run(_flows(base, key, duration=3, concurrency=concurrency))  # warm-up
        flows = asyncio.run(_flows(base, key, duration=duration, concurrency=concurrency))
        rows.append({"measure": f"order + card payment flow ({concurrency} in flight)", **flows})

        total = _seed_orders(services, merchant_id)
        token = httpx.post(
            server.url("/api/v1/auth/token"),
            json={"email": admin_email, "password": PASSWORD},
            headers=lib.DEFAULT_HEADERS,
            timeout=30,
        ).json()["access"]
        admin = {"Authorization": f"Bearer {token}"}
        for label, url, headers in (
            ("GET /api/v1/merchants/me/stats", server.url("/api/v1/merchants/me/stats"), {"X-API-Key": key}),
            ("GET /api/v1/admin/stats (global)", server.url("/api/v1/admin/stats"), admin),
            (
                "GET /api/v1/admin/stats?merchant_id=",
                server.url(f"/api/v1/admin/stats?merchant_id={merchant_id}"),
                admin,
            ),
        ):
            rows.append({"measure": f"{label} with {total:,} orders", **_time_get(url, headers, count=stats_requests)})
    return lib.Results(
        name=NAME,
        title="Payments: flows per second, and stats over 1,000,000 orders (PostgreSQL, granian, 2 workers)",
        rows=rows,
        columns=[
            lib.Column("measure", "measure"),
            lib.Column("flows_per_s", "flows/s"),
            lib.Column("flows", "flows"),
            lib.Column("errors", "errors"),
            lib.Column("requests", "requests"),
            lib.Column("p50_ms", "p50 ms"),
            lib.Column("p99_ms", "p99 ms"),
            lib.Column("max_ms", "max ms"),
        ],
        notes=[
            "Flows: asyncio+httpx load generator on the same 2 cores as the server and PostgreSQL.",
            "Stats read daily counters kept in the same transaction as each change: per merchant "
            "(payments_merchant_daily_stats) and, for the global view, 16 shards per day "
            "(payments_platform_daily_stats); never the orders table.",
        ],
    )
