"""Issue 14: commit -> first webhook attempt while 1,000 ingested transactions are processing.

Setup: PostgreSQL (a bench database of its own) + Redis (a database of its own), ONE
``manage.py run_queues`` process with the default pools (default 4, ingest 64, webhooks 16, sync 4
threads) and the default seed-004 delay (``TRANSACTION_PROCESSING_DELAY_SECONDS=30``), and the
asyncio receiver of the webhooks benchmark on 127.0.0.1.

1. ``--transactions`` (1,000) transactions are received in-process (as the webhook does: row +
   outbox row, enqueued on commit to the ``ingest`` queue); the consumer starts and its ingest pool
   fills with 30-second calls (the backlog drains at ~64 per 30 s, i.e. for ~8 minutes).
2. While the ingest pool is saturated, events for a merchant with one endpoint are published at
   ``--rate`` per second for ``--seconds``; latency = the receiver's first arrival - the publisher's
   commit (each event: fan-out on ``default``, then the delivery on ``webhooks``).

Yardstick: the issue's report (one shared 2-thread queue): 61.6 s with four ingested transactions,
2.7 s idle. Target: p99 < 1 s.

Run: ``.venv/bin/python benchmarks/run_all.py --only isolation`` or ``.venv/bin/python -m benchmarks.isolation``
(no wrk needed; ``BENCH_ISOLATION_REDIS_DB`` picks the Redis database, 4 by default).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from typing import Any

from benchmarks import lib
from benchmarks import webhooks as wh

NAME = "isolation"
DB_NAME = "partnerpay_bench_isolation"
REDIS_DB = int(os.environ.get("BENCH_ISOLATION_REDIS_DB", "4"))


def _services() -> lib.Services:
    import psycopg
    import redis

    shared = lib.ensure_services()
    with psycopg.connect(shared.database_url, autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone() is None:
            conn.execute(f"CREATE DATABASE {DB_NAME}")  # type: ignore[arg-type]
    own = lib.Services(
        database_url=shared.database_url.rsplit("/", 1)[0] + f"/{DB_NAME}",
        redis_url=shared.redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}",
    )
    lib.run_migrations(own)
    redis.Redis.from_url(own.redis_url).flushdb()
    return own


def _receive(transactions: int) -> None:
    from application.ingest.use_cases import ReceiveTransaction
    from entrypoints.bootstrap import container

    for n in range(transactions):
        container().ingest.transaction_receive(
            command=ReceiveTransaction(
                transaction_id=f"bench_iso_{n:05d}",
                source_account="acc_user_789",
                destination_account="acc_merchant_456",
                amount="1500.00",
                currency="INR",
            )
        )


def _in_flight() -> int:
    from adapters.django_orm.ingest.models import IngestedTransaction

    return IngestedTransaction.objects.filter(status="PROCESSING", attempts__gte=1).count()


def _processed() -> int:
    from adapters.django_orm.ingest.models import IngestedTransaction

    return IngestedTransaction.objects.filter(status="PROCESSED").count()


def run(
    *, duration: float | None = None, transactions: int = 1000, rate: float = 5.0, seconds: float = 30.0
) -> lib.Results:
    seconds = duration or seconds
    services = _services()
    env = lib.server_env(
        services,
        WEBHOOK_ALLOW_PRIVATE_URLS="true",
        HUEY_IMMEDIATE="false",
        LOG_LEVEL="WARNING",
        TRANSACTION_PROCESSING_DELAY_SECONDS="30",
        INGEST_ALLOW_UNSIGNED="true",
    )
    wh._django(env)
    lib.sql(
        services,
        "TRUNCATE webhook_attempt, webhook_delivery, webhook_endpoint, outbox_message, event_log, "
        "ingest_transaction CASCADE",
    )
    receiver = wh.Receiver()
    log = tempfile.NamedTemporaryFile(prefix="bench-isolation-", suffix=".log", delete=False)  # noqa: SIM115
    consumer: subprocess.Popen[bytes] | None = None
    try:
        _receive(transactions)
        consumer = subprocess.Popen(
            [lib.PYTHON, "manage.py", "run_queues", "--flush-locks"],
            cwd=lib.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while _in_flight() < 60:
            if time.monotonic() > deadline or consumer.poll() is not None:
                raise lib.BenchError(f"the ingest pool never filled ({_in_flight()} in flight); log: {log.name}")
            time.sleep(0.2)
        owner = wh._merchant(receiver, 1)
        in_flight_before, load = _in_flight(), os.getloadavg()[0]
        committed = wh._paced(owner, rate, seconds)
        wh._wait_delivered(owner, len(committed), timeout=120, consumers=[consumer])
        in_flight_after, processed = _in_flight(), _processed()
    finally:
        if consumer is not None and consumer.poll() is None:
            os.killpg(consumer.pid, signal.SIGTERM)  # immediate: the 30 s calls need not finish
            consumer.wait(timeout=30)
        arrivals = receiver.stop()
        log.close()
    message_ids = wh._message_ids(owner)
    latencies = [
        (arrivals[message_ids[event_id]] - at) * 1000
        for event_id, at in committed.items()
        if message_ids.get(event_id) in arrivals
    ]
    rows: list[dict[str, Any]] = [
        {
            "measure": f"commit -> first attempt, {rate:g} events/s for {seconds:g} s, while {transactions:,} "
            "transactions (30 s each) are processing",
            "deliveries": len(latencies),
            "p50_ms": round(wh._percentile(latencies, 50), 1),
            "p90_ms": round(wh._percentile(latencies, 90), 1),
            "p99_ms": round(wh._percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1),
            "ingest_in_flight": f"{in_flight_before} -> {in_flight_after}",
            "processed_by_end": processed,
            "load_1m": round(load, 1),
        }
    ]
    os.unlink(log.name)
    return lib.Results(
        name=NAME,
        title="Workload isolation: webhook latency while seed 004's 30 s jobs run (PostgreSQL, Redis, Huey)",
        rows=rows,
        columns=[
            lib.Column("measure", "measure"),
            lib.Column("deliveries", "deliveries"),
            lib.Column("p50_ms", "p50 ms", "{:.1f}"),
            lib.Column("p90_ms", "p90 ms", "{:.1f}"),
            lib.Column("p99_ms", "p99 ms", "{:.1f}"),
            lib.Column("max_ms", "max ms", "{:.1f}"),
            lib.Column("ingest_in_flight", "ingest calls in flight (start -> end)"),
            lib.Column("processed_by_end", "transactions processed by the end"),
            lib.Column("load_1m", "load 1m"),
        ],
        notes=[
            "One `manage.py run_queues` process with the default pools: default 4, ingest 64, webhooks 16, sync 4 "
            "threads; TRANSACTION_PROCESSING_DELAY_SECONDS=30 (seed 004's default).",
            "Latency: publisher's commit (after the on-commit enqueue) to the receiver's first arrival, across "
            "processes; each event is a fan-out job (default queue) then a delivery job (webhooks queue).",
            "Yardstick (issue 14, before): one shared 2-thread queue, 61.6 s with four ingested transactions; "
            "2.7 s idle. Target: p99 < 1 s.",
            "PostgreSQL, Redis, the consumer, the receiver and the publisher share the machine.",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transactions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="webhook events per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long events are published")
    args = parser.parse_args(argv)
    results = run(transactions=args.transactions, rate=args.rate, seconds=args.seconds)
    for path in lib.write_results(results):
        print(path)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
