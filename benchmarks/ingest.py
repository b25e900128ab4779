"""Issue 5: seed 004's webhook endpoint on PostgreSQL with the production server (granian, 2 workers).

1. Ceiling: ``POST /bench/insert`` (one autocommitted INSERT through Ninja) in the same run.
2. Unique ids: ``POST /v1/webhooks/transactions`` with a new ``transaction_id`` per request
   (one ``INSERT ... ON CONFLICT DO NOTHING`` plus the outbox row, and the Redis enqueue on commit).
3. The same 100 ids repeated: the duplicate path.
4. Backlog: 10,000 queued transactions with delay 0 drained by 2 Huey consumer processes (Redis
   queue), in transactions per second.

wrk -t2 -c64 for 30 s each by default, on the same 2 cores as the server and PostgreSQL.
Run: ``.venv/bin/python benchmarks/run_all.py --only ingest``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

import httpx

from benchmarks import lib

NAME = "ingest"
BACKLOG = 10_000


def _count(services: lib.Services, status: str) -> int:
    out = subprocess.run(
        ["psql", services.database_url, "-tAc", f"SELECT count(*) FROM ingest_transaction WHERE status = '{status}'"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(out.stdout.strip() or 0)


def _empty_queues(services: lib.Services) -> None:
    """Drops the bench Redis database's queued and scheduled Huey tasks (its own database's keys only)."""
    import redis

    conn = redis.Redis.from_url(services.redis_url)
    keys = [*conn.scan_iter("huey.redis.*"), *conn.scan_iter("huey.schedule.*")]
    if keys:
        conn.delete(*keys)


def _backlog(services: lib.Services, server: lib.Server, workers: int) -> dict[str, Any]:
    """Queue BACKLOG transactions with no consumer running, then time 2 consumers draining them."""
    lib.sql(services, "TRUNCATE ingest_transaction")
    lib.sql(services, "DELETE FROM outbox_message WHERE topic = 'ingest.transaction.process'")
    # The wrk phases before this one left a task in the queues for every transaction they posted (about
    # 200,000 in 30 s runs): consumers would spend the backlog's time skipping those (46/s measured
    # instead of 355/s). The backlog is measured on queues holding only its own work.
    _empty_queues(services)
    run = uuid.uuid4().hex[:8]
    body = {"source_account": "a", "destination_account": "b", "amount": "1.00", "currency": "INR"}
    with httpx.Client(headers=lib.DEFAULT_HEADERS, timeout=30) as client:
        for n in range(BACKLOG):
            response = client.post(
                server.url("/v1/webhooks/transactions"), json={**body, "transaction_id": f"{run}-{n}"}
            )
            if response.status_code != 202:
                raise lib.BenchError(f"backlog enqueue failed: {response.status_code} {response.text[:200]}")
    env = lib.server_env(services, TRANSACTION_PROCESSING_DELAY_SECONDS="0", LOG_LEVEL="WARNING")
    consumers = []
    started = time.monotonic()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the consumers, closed below
    for index in range(workers):
        argv = [sys.executable, "manage.py", "run_queues", "ingest", "default", "-w", "4"]
        if index:
            argv.append("--no-periodic")  # only one consumer schedules periodic jobs
        consumers.append(subprocess.Popen(argv, cwd=lib.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        deadline = started + 600
        while (done := _count(services, "PROCESSED")) < BACKLOG:
            if time.monotonic() > deadline:
                raise lib.BenchError(f"backlog not drained in 600 s: {done}/{BACKLOG}")
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        for consumer in consumers:
            consumer.terminate()
        for consumer in consumers:
            try:
                consumer.wait(timeout=20)
            except subprocess.TimeoutExpired:
                consumer.kill()
        log.close()
    return {"transactions": BACKLOG, "seconds": round(elapsed, 1), "per_s": round(BACKLOG / elapsed, 1)}


def run(*, duration: float = 30, warmup: float = 3, connections: int = 64, workers: int = 2) -> lib.Results:
    lib.require_wrk()
    services = lib.ensure_services()
    lib.sql(services, "TRUNCATE benchmarking_benchrow")
    rows: list[dict[str, Any]] = []
    # Seed 004's senders post unsigned; production accepts them only when the operator says so (the
    # signed per-source route is docs/ingest.md's), as benchmarks.write_paths measures them too.
    env = {"TRANSACTION_PROCESSING_DELAY_SECONDS": "0", "INGEST_ALLOW_UNSIGNED": "true"}
    with lib.start_server("granian", workers=workers, services=services, env=env) as server:
        cases = [
            ("ceiling: POST /bench/insert", "/bench/insert", "bench_insert.lua", []),
            ("POST /v1/webhooks/transactions, unique ids", "/v1/webhooks/transactions", "ingest_unique.lua", []),
            (
                "POST /v1/webhooks/transactions, 100 ids repeated",
                "/v1/webhooks/transactions",
                "ingest_unique.lua",
                ["100"],
            ),
        ]
        for label, path, script, extra in cases:
            for seconds, record in ((warmup, False), (duration, True)):
                result = lib.run_wrk(
                    server.url(path),
                    connections=connections,
                    duration=seconds,
                    script=script,
                    script_args=[uuid.uuid4().hex[:12], *extra],
                )
                if record:
                    rows.append(lib.wrk_row(result, measure=label, load_1m=round(os.getloadavg()[0], 1)))
                    print(f"  {label:<50} {result.requests_per_s:>8,.0f} req/s p50 {result.p50_ms} p99 {result.p99_ms}")
        drained = _backlog(services, server, workers)
    rows.append(
        {"measure": f"backlog of {BACKLOG:,} drained by {workers} consumers", "requests_per_s": drained["per_s"]}
    )
    ceiling = rows[0]["requests_per_s"]
    unique = rows[1]["requests_per_s"]
    return lib.Results(
        name=NAME,
        title="Transaction ingestion (seed 004) on PostgreSQL, granian 2 workers",
        rows=rows,
        columns=[lib.Column("measure", "measure"), *lib.WRK_COLUMNS, lib.Column("load_1m", "load 1m")],
        notes=[
            f"unique-id ingestion is {100 * unique / ceiling:.0f}% of the bare-insert ceiling of the same run.",
            f"backlog: {drained['transactions']:,} transactions in {drained['seconds']} s "
            f"({drained['per_s']} per second) by {workers} consumers x 4 threads, Redis queue, delay 0.",
            "The backlog's last row reuses the req/s column for transactions/s.",
        ],
    )
