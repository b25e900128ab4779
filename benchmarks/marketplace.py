"""Issue 9: marketplace stock reservations on PostgreSQL with the production server (granian, 2 workers).

1. Hot variant: ``POST /api/v1/marketplace/orders`` (quantity 1, card 4242...) from many customers
   on ONE variant with plenty of stock, with wrk; every 201 is a reservation + order + captured
   payment. For comparison the same load spread over 16 vendors' variants (no shared rows).
2. Flash sale: 1,000 different customers send one order each, all at once (asyncio + httpx), on a
   variant with 100 units: exactly 100 must win, 900 must get 409 ``out_of_stock``, none oversold.
   Latency of the winners and of the rejections, and the wall time of the whole burst.
3. Sold out: wrk on a variant with 0 units: rejections per second.

Each scenario runs with the Redis pre-check of seed 001 off and on (``MARKETPLACE_STOCK_PRECHECK``)
when ``precheck=True`` (default), so the figures say whether it helps. No Huey consumer runs: the
outbox rows (events, invoices) wait; only the request path is measured.

Run: ``.venv/bin/python benchmarks/run_all.py --only marketplace``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from benchmarks import lib

NAME = "marketplace"
BUYERS = 1_000
SALE_STOCK = 100
PRICE = "10.00"
# Buyers in flight on the hot variant: as many as the server has threads (2 workers x 8), so queueing in
# the server does not hide the database's figure (with 64, requests wait past wrk's 10 s timeout).
BUYING_CONNECTIONS = 16
CARD = {"number": "4242424242424242", "expiry": "12/35", "cvv": "123"}


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


def _customers(count: int) -> list[str]:
    """Access tokens of ``count`` bench customers (created once; unusable passwords, tokens minted directly)."""
    from adapters.django_orm.identity.models import User as UserRow
    from entrypoints.bootstrap import container

    emails = [f"bench-customer-{i}@partnerpay.local" for i in range(count)]
    existing = set(UserRow.objects.filter(email__in=emails).values_list("email", flat=True))
    fresh = []
    for email in emails:
        if email not in existing:
            row = UserRow(email=email, name="Bench customer", role="customer")
            row.set_unusable_password()
            fresh.append(row)
    UserRow.objects.bulk_create(fresh, batch_size=500)
    ids = UserRow.objects.filter(email__in=emails).order_by("email").values_list("id", flat=True)
    tokens = container().identity.tokens
    return [tokens.issue(str(user_id)).access for user_id in ids]


def _vendor(tag: str) -> str:
    from adapters.django_orm.identity.models import RoleProfile
    from adapters.django_orm.identity.models import User as UserRow

    email = f"bench-vendor-{tag}@partnerpay.local"
    row = UserRow.objects.filter(email=email).first()
    if row is None:
        row = UserRow(email=email, name=f"Bench vendor {tag}", role="vendor")
        row.set_unusable_password()
        row.save()
    RoleProfile.objects.update_or_create(user=row, defaults={"business_name": f"Bench {tag}", "is_active": True})
    return str(row.id)


def _variant(vendor_id: str, stock: int) -> str:
    from application.catalog.use_cases import CreateService, CreateVariant
    from domain.identity.user import Principal, Role
    from entrypoints.bootstrap import container

    vendor = Principal(user_id=vendor_id, role=Role.VENDOR)
    catalog = container().catalog
    service = catalog.service_create(
        principal=vendor, command=CreateService(name=f"Bench service {uuid.uuid4().hex[:6]}")
    )
    created = catalog.variant_create(
        principal=vendor,
        service_id=str(service.id),
        command=CreateVariant(name="Standard", price=PRICE, currency="INR", stock=stock),
    )
    return str(created.variant.id)


def _stock(variant_id: str) -> tuple[int, int, int]:
    """(available, units in active reservations, units sold) straight from the tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT available FROM catalog_variant WHERE id = %s", [variant_id])
        available = cursor.fetchone()[0]
        cursor.execute(
            "SELECT status, coalesce(sum(quantity), 0) FROM catalog_reservation WHERE variant_id = %s GROUP BY status",
            [variant_id],
        )
        held = dict(cursor.fetchall())
    return int(available), int(held.get("active", 0)), int(held.get("consumed", 0))


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))], 1)


async def _burst(url: str, variant_id: str, tokens: list[str]) -> dict[str, Any]:
    """Every customer sends one order at the same moment; returns counts and latencies by outcome."""
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=0)
    timings: dict[int, list[float]] = {}
    codes: dict[str, int] = {}
    async with httpx.AsyncClient(headers=lib.DEFAULT_HEADERS, timeout=120, limits=limits) as client:
        start = asyncio.Event()

        async def buyer(token: str) -> None:
            await start.wait()
            began = time.perf_counter()
            response = await client.post(
                url,
                json={"variant_id": variant_id, "quantity": 1, "method": "card", "card": CARD},
                headers={"Authorization": f"Bearer {token}"},
            )
            timings.setdefault(response.status_code, []).append((time.perf_counter() - began) * 1000)
            if response.status_code >= 400:
                code = response.json().get("code", "?")
                codes[code] = codes.get(code, 0) + 1

        tasks = [asyncio.create_task(buyer(token)) for token in tokens]
        await asyncio.sleep(0.2)
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
    won = timings.get(201, [])
    lost = timings.get(409, [])
    return {
        "buyers": len(tokens),
        "won": len(won),
        "rejected_409": len(lost),
        "other": sum(len(v) for k, v in timings.items() if k not in {201, 409}),
        "codes": codes,
        "rejection_rate": round(len(lost) / len(tokens), 3),
        "wall_s": round(wall, 2),
        "won_p50_ms": _percentile(won, 50),
        "won_p99_ms": _percentile(won, 99),
        "rejected_p50_ms": _percentile(lost, 50),
        "rejected_p99_ms": _percentile(lost, 99),
    }


def _wrk(server: lib.Server, tokens_file: Path, variants: list[str], *, duration: float, connections: int):
    return lib.run_wrk(
        server.url("/api/v1/marketplace/orders"),
        connections=connections,
        duration=duration,
        script="marketplace_order.lua",
        script_args=[str(tokens_file), ",".join(variants)],
    )


def _scenarios(
    services: lib.Services,
    tokens: list[str],
    *,
    precheck: bool,
    duration: float,
    connections: int,
    workers: int,
) -> list[dict[str, Any]]:
    from django.conf import settings

    label = "on" if precheck else "off"
    env = {
        "SANDBOX_CARD_DELAYS": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the tokens minted here must verify in the server
        "MARKETPLACE_STOCK_PRECHECK": "redis" if precheck else "",
    }
    rows: list[dict[str, Any]] = []
    hot = _variant(_vendor("hot"), stock=10_000_000)
    spread = [_variant(_vendor(f"spread-{i}"), stock=10_000_000) for i in range(16)]
    sale = _variant(_vendor("sale"), stock=SALE_STOCK)
    sold_out = _variant(_vendor("soldout"), stock=0)
    with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as handle:
        handle.write("\n".join(tokens[:500]))
        tokens_file = Path(handle.name)
    try:
        with lib.start_server("granian", workers=workers, services=services, env=env) as server:
            _wrk(server, tokens_file, spread, duration=3, connections=BUYING_CONNECTIONS)  # warm-up
            for scenario, variants in (("hot variant (1)", [hot]), ("16 variants, 16 vendors", spread)):
                before = sum(_stock(v)[2] + _stock(v)[1] for v in variants)
                result = _wrk(server, tokens_file, variants, duration=duration, connections=BUYING_CONNECTIONS)
                reserved = sum(_stock(v)[2] + _stock(v)[1] for v in variants) - before
                rows.append(
                    lib.wrk_row(
                        result,
                        scenario=f"reserve + order + card payment: {scenario}",
                        precheck=label,
                        reservations=reserved,
                        reservations_per_s=round(reserved / result.duration_s, 1),
                    )
                )
                _print(rows[-1])
            burst = asyncio.run(_burst(server.url("/api/v1/marketplace/orders"), sale, tokens[:BUYERS]))
            available, held, sold = _stock(sale)
            burst.update(available_after=available, sold_after=sold + held, oversold=sold + held > SALE_STOCK)
            rows.append({"scenario": f"{BUYERS:,} buyers at once, {SALE_STOCK} units", "precheck": label, **burst})
            _print(rows[-1])
            result = _wrk(server, tokens_file, [sold_out], duration=duration, connections=connections)
            rows.append(
                lib.wrk_row(
                    result,
                    scenario="sold-out variant (all 409)",
                    precheck=label,
                    rejections_per_s=result.requests_per_s,
                    reservations=_stock(sold_out)[2],
                )
            )
            _print(rows[-1])
    finally:
        tokens_file.unlink(missing_ok=True)
    return rows


def _rejection_cost(tokens: list[str], *, requests: int = 200, rounds: int = 3) -> list[dict[str, Any]]:
    """One rejection at a time, in this process (Django test client, no web server, no other load from us)."""
    import json

    from django.conf import settings
    from django.test import Client

    sold_out = _variant(_vendor("soldout"), stock=0)
    client = Client(HTTP_HOST="127.0.0.1")
    body = json.dumps({"variant_id": sold_out, "quantity": 1, "method": "card", "card": CARD})
    medians: dict[bool, list[float]] = {False: [], True: []}
    previous = getattr(settings, "MARKETPLACE_STOCK_PRECHECK_URL", None)
    try:
        for _ in range(rounds):
            for mode in (False, True):
                settings.MARKETPLACE_STOCK_PRECHECK_URL = os.environ["REDIS_URL"] if mode else None
                timings = []
                for index in range(requests + 20):
                    began = time.perf_counter()
                    response = client.post(
                        "/api/v1/marketplace/orders",
                        data=body,
                        content_type="application/json",
                        headers={"Authorization": f"Bearer {tokens[index % len(tokens)]}"},
                    )
                    if response.status_code != 409:
                        raise lib.BenchError(f"expected 409 on a sold-out variant, got {response.status_code}")
                    if index >= 20:  # the first ones warm up (and seed the counter)
                        timings.append((time.perf_counter() - began) * 1000)
                medians[mode].append(statistics.median(timings))
    finally:
        settings.MARKETPLACE_STOCK_PRECHECK_URL = previous
    return [
        {
            "scenario": "one 409 on a sold-out variant, in-process, sequential",
            "precheck": "on" if mode else "off",
            "p50_ms": round(statistics.median(values), 2),
            "requests": requests * rounds,
            "rounds": rounds,
        }
        for mode, values in medians.items()
    ]


def _print(row: dict[str, Any]) -> None:
    shown = {k: v for k, v in row.items() if k not in {"errors", "codes"}}
    print("  " + ", ".join(f"{k}={v}" for k, v in shown.items()), flush=True)


def run(
    *, duration: float = 20, connections: int = 64, workers: int = 2, precheck: bool = True, rounds: int = 2
) -> lib.Results:
    lib.require_wrk()
    services = lib.ensure_services()
    _django(services)
    tokens = _customers(BUYERS)
    measured: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for round_no in range(rounds):
        # Off and on are interleaved round by round, so load from anything else on the machine hits both alike.
        for mode in (False, True) if precheck else (False,):
            print(f"round {round_no + 1}/{rounds}, pre-check {'on' if mode else 'off'}", flush=True)
            for row in _scenarios(
                services, tokens, precheck=mode, duration=duration, connections=connections, workers=workers
            ):
                measured.setdefault((row["scenario"], row["precheck"]), []).append(row)
    rows = _rejection_cost(tokens[:50]) if precheck else []
    for runs in measured.values():
        key = next(k for k in ("reservations_per_s", "rejections_per_s", "wall_s") if k in runs[0])
        median = statistics.median_low([r[key] for r in runs])
        rows.append({**next(r for r in runs if r[key] == median), "rounds": len(runs)})
    return lib.Results(
        name=NAME,
        title="Marketplace: reservations on one hot variant, and a flash sale of 100 units to 1,000 buyers",
        rows=rows,
        columns=[
            lib.Column("scenario", "scenario"),
            lib.Column("precheck", "Redis pre-check"),
            lib.Column("reservations_per_s", "reservations/s"),
            lib.Column("requests_per_s", "req/s"),
            lib.Column("won", "won"),
            lib.Column("rejected_409", "409"),
            lib.Column("rejection_rate", "rejection rate"),
            lib.Column("wall_s", "wall s"),
            lib.Column("p50_ms", "p50 ms"),
            lib.Column("p99_ms", "p99 ms"),
            lib.Column("won_p50_ms", "won p50 ms"),
            lib.Column("rejected_p50_ms", "409 p50 ms"),
            lib.Column("rejected_p99_ms", "409 p99 ms"),
            lib.Column("oversold", "oversold"),
            lib.Column("rounds", "rounds"),
        ],
        notes=[
            f"granian, {workers} workers x 8 threads, PRODUCTION=true; wrk -d{int(duration)}s, -c{BUYING_CONNECTIONS} "
            f"for reservations and -c{connections} on the sold-out variant; "
            f"{rounds} interleaved round(s) per mode, the median round shown (by reservations/s, rejections/s or "
            "wall time); load generator, server and PostgreSQL share the machine's cores.",
            "Every 201 is one transaction: conditional UPDATE of the variant's available stock, reservation row, "
            "order, card payment (sandbox, approved), events + outbox rows, then the reservation consumed.",
            "Flash sale: 1,000 distinct customers, one order each, released together; httpx keeps 1,000 "
            "connections open; the server accepts them 16 at a time (2 workers x 8 threads).",
        ],
    )


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-precheck", action="store_true")
    args = parser.parse_args()
    results = run(
        duration=args.duration, connections=args.connections, precheck=not args.no_precheck, rounds=args.rounds
    )
    for path in lib.write_results(results):
        print(f"wrote {path.relative_to(lib.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
