"""Issue 7: outbound webhook deliveries per second, and commit-to-first-attempt latency.

Setup: PostgreSQL (bench database) + Redis, two Huey consumer processes (``run_huey -k thread``,
``--threads`` each; the second without the periodic scheduler), and a receiver on 127.0.0.1
(``benchmarks/webhook_receiver.py``: asyncio, keep-alive, answers 204 and records each arrival).
Events are published from this process with ``container().publish`` in its own unit of work each,
exactly as a business transaction does; every commit enqueues its outbox message to Redis.

1. Throughput: ``--events`` events for a merchant with ``--endpoints`` endpoints are published
   while no consumer runs (a backlog of events x endpoints deliveries); then both consumers start.
   Deliveries per second = deliveries / (last arrival - first arrival) at the receiver; the
   fan-out of every event (one transaction writing its deliveries) is inside that window.
2. Latency: with the consumers running, events for a merchant with one endpoint are published at
   each of ``--rates`` per second in turn; latency = first arrival at the receiver - the
   publisher's commit. Each event is two jobs (fan-out, then the delivery).

Run: ``.venv/bin/python benchmarks/run_all.py --only webhooks`` (or ``python -m benchmarks.webhooks``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks import lib

NAME = "webhooks"
DATA = {
    "object": {
        "id": "00000000-0000-0000-0000-000000000000",
        "object": "payment",
        "order_id": "00000000-0000-0000-0000-000000000001",
        "status": "captured",
        "amount": "1500.00",
        "currency": "INR",
        "method": "card",
        "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030},
        "created_at": "2026-01-15T10:30:00Z",
    },
    "order": {"id": "00000000-0000-0000-0000-000000000001", "status": "paid", "amount": "1500.00", "currency": "INR"},
}
EVENT_TYPE = "benchmark.delivered"  # only the webhooks subscriber (pattern "*") takes it


# A database and a Redis queue of its own: every event in a shared bench database would reach the
# webhooks subscriber, and a shared Huey queue would mix other benchmarks' jobs into this one.
DB_NAME = "partnerpay_bench_webhooks"
REDIS_DB = 3


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


def _environment(services: lib.Services) -> dict[str, str]:
    return lib.server_env(
        services,
        WEBHOOK_ALLOW_PRIVATE_URLS="true",  # the receiver is on 127.0.0.1
        HUEY_IMMEDIATE="false",
        LOG_LEVEL="WARNING",
    )


def _django(env: dict[str, str]) -> None:
    # The consumers' SECRET_KEY too: endpoint signing secrets are encrypted at rest under it, and a
    # consumer must open what this process stored (a different key: every delivery fails to decrypt).
    shared = ("DATABASE_URL", "REDIS_URL", "WEBHOOK_ALLOW_PRIVATE_URLS", "LOG_LEVEL", "SECRET_KEY")
    os.environ.update({k: env[k] for k in shared})
    os.environ.update({"DJANGO_SETTINGS_MODULE": "settings.main", "HUEY_IMMEDIATE": "false"})
    for path in (str(lib.ROOT / "src"), str(lib.ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def _reset_tables(services: lib.Services) -> None:
    lib.sql(services, "TRUNCATE webhook_attempt, webhook_delivery, webhook_endpoint, outbox_message, event_log CASCADE")


class Receiver:
    def __init__(self) -> None:
        self.out = Path(tempfile.mkstemp(prefix="bench-webhooks-", suffix=".jsonl")[1])
        self.process = subprocess.Popen(
            [lib.PYTHON, str(lib.BENCH_DIR / "webhook_receiver.py"), str(self.out)],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if line[:1] != ["ready"]:
            raise lib.BenchError(f"receiver did not start: {line}")
        self.port = int(line[1])

    def url(self, path: str) -> str:
        return f"http://{lib.HOST}:{self.port}{path}"

    def stop(self) -> dict[str, float]:
        """First arrival time per webhook-id."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        first: dict[str, float] = {}
        for line in self.out.read_text().splitlines():
            webhook_id, at = json.loads(line)
            first.setdefault(webhook_id, at)
        self.out.unlink(missing_ok=True)
        return first


def _consumer(env: dict[str, str], threads: int, *, periodic: bool, log: Any) -> subprocess.Popen[bytes]:
    argv = [lib.PYTHON, "manage.py", "run_queues", "default", "webhooks", "-w", str(threads)]
    if not periodic:
        argv.append("--no-periodic")
    return subprocess.Popen(argv, cwd=lib.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # Huey's graceful stop
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _merchant(receiver: Receiver, endpoints: int) -> str:
    from entrypoints.bootstrap import container

    owner = str(uuid.uuid4())
    for n in range(endpoints):
        container().notifications.endpoint_create(
            owner_id=owner, url=receiver.url(f"/ep{n}"), events=["*"], description="bench"
        )
    return owner


def _publish(owner: str) -> tuple[str, float]:
    from domain.shared.events import DomainEvent
    from entrypoints.bootstrap import container

    built = container()
    with built.uow() as uow:
        [event] = built.events_publish(uow.outbox, [DomainEvent(type=EVENT_TYPE, data=DATA)], owner_id=owner)
    return event.id, time.time()  # after commit and the on-commit enqueue


def _delivered(owner: str) -> int:
    from adapters.django_orm.notifications.models import WebhookDelivery

    return WebhookDelivery.objects.filter(owner_id=owner, status="succeeded").count()


def _wait_delivered(owner: str, expected: int, *, timeout: float, consumers: list[Any]) -> None:
    deadline = time.monotonic() + timeout
    while _delivered(owner) < expected:
        if time.monotonic() > deadline:
            raise lib.BenchError(f"only {_delivered(owner)}/{expected} delivered after {timeout}s")
        if any(c.poll() is not None for c in consumers):
            raise lib.BenchError("a consumer exited; see its log")
        time.sleep(0.25)


def _message_ids(owner: str) -> dict[str, str]:
    """event id -> webhook-id of its delivery (one endpoint)."""
    from adapters.django_orm.notifications.models import WebhookDelivery

    rows = WebhookDelivery.objects.filter(owner_id=owner).values_list("event_id", "id")
    return {event_id: "msg_" + delivery_id.hex for event_id, delivery_id in rows}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _paced(owner: str, rate: float, seconds: float) -> dict[str, float]:
    """Publish ``rate`` events per second for ``seconds``; event id -> commit time."""
    committed: dict[str, float] = {}
    interval = 1.0 / rate
    next_at = time.monotonic()
    for _ in range(max(1, int(rate * seconds))):
        event_id, at = _publish(owner)
        committed[event_id] = at
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    return committed


def run(
    *,
    duration: float | None = None,
    events: int = 1500,
    endpoints: int = 4,
    threads: int = 8,
    rates: tuple[float, ...] = (10.0, 50.0),
    latency_seconds: float = 10.0,
) -> lib.Results:
    """``duration`` (from run_all) sets how long each latency rate is held."""
    latency_seconds = duration or latency_seconds
    services = _services()
    env = _environment(services)
    _django(env)
    _reset_tables(services)
    load = os.getloadavg()[0]
    receiver = Receiver()
    consumers: list[subprocess.Popen[bytes]] = []
    log = tempfile.NamedTemporaryFile(prefix="bench-webhooks-huey-", suffix=".log", delete=False)  # noqa: SIM115
    paced: list[tuple[float, str, dict[str, float], float]] = []
    try:
        # 1. Throughput: a backlog, then both consumers.
        backlog_owner = _merchant(receiver, endpoints)
        started = time.monotonic()
        for _ in range(events):
            _publish(backlog_owner)
        publish_rate = events / (time.monotonic() - started)
        consumers = [
            _consumer(env, threads, periodic=True, log=log),
            _consumer(env, threads, periodic=False, log=log),
        ]
        _wait_delivered(backlog_owner, events * endpoints, timeout=900, consumers=consumers)

        # 2. Latency: paced events to one endpoint, at each rate in turn.
        warm = _merchant(receiver, 1)
        for _ in range(20):
            _publish(warm)
        _wait_delivered(warm, 20, timeout=60, consumers=consumers)
        for rate in rates:
            owner = _merchant(receiver, 1)
            rate_load = os.getloadavg()[0]
            committed = _paced(owner, rate, latency_seconds)
            _wait_delivered(owner, len(committed), timeout=300, consumers=consumers)
            paced.append((rate, owner, committed, rate_load))
    finally:
        for consumer in consumers:
            _stop(consumer)
        arrivals = receiver.stop()
        log.close()

    from adapters.django_orm.notifications.models import WebhookAttempt, WebhookDelivery

    backlog_ids = {
        "msg_" + d.hex for d in WebhookDelivery.objects.filter(owner_id=backlog_owner).values_list("id", flat=True)
    }
    backlog_times = sorted(at for webhook_id, at in arrivals.items() if webhook_id in backlog_ids)
    window = backlog_times[-1] - backlog_times[0]
    rows: list[dict[str, Any]] = [
        {
            "measure": f"backlog of {events:,} events x {endpoints} endpoints, 2 consumers x {threads} threads",
            "deliveries": len(backlog_times),
            "attempts": WebhookAttempt.objects.filter(delivery__owner_id=backlog_owner).count(),
            "deliveries_per_s": round(len(backlog_times) / window, 1) if window else None,
            "publish_events_per_s": round(publish_rate, 1),
            "load_1m": round(load, 1),
        }
    ]
    for rate, owner, committed, rate_load in paced:
        message_ids = _message_ids(owner)
        latencies = [
            (arrivals[message_ids[event_id]] - at) * 1000
            for event_id, at in committed.items()
            if message_ids.get(event_id) in arrivals
        ]
        rows.append(
            {
                "measure": f"commit -> first attempt, {rate:g} events/s for {latency_seconds:g} s, 1 endpoint",
                "deliveries": len(latencies),
                "p50_ms": round(_percentile(latencies, 50), 1),
                "p90_ms": round(_percentile(latencies, 90), 1),
                "p99_ms": round(_percentile(latencies, 99), 1),
                "max_ms": round(max(latencies), 1),
                "load_1m": round(rate_load, 1),
            }
        )
    Path(log.name).unlink(missing_ok=True)
    return lib.Results(
        name=NAME,
        title="Outbound webhooks: deliveries per second and commit-to-first-attempt latency (PostgreSQL, Redis, Huey)",
        rows=rows,
        columns=[
            lib.Column("measure", "measure"),
            lib.Column("deliveries", "deliveries"),
            lib.Column("deliveries_per_s", "deliveries/s", "{:,.0f}"),
            lib.Column("p50_ms", "p50 ms", "{:.1f}"),
            lib.Column("p90_ms", "p90 ms", "{:.1f}"),
            lib.Column("p99_ms", "p99 ms", "{:.1f}"),
            lib.Column("max_ms", "max ms", "{:.1f}"),
            lib.Column("load_1m", "load 1m"),
        ],
        notes=[
            "Two Huey consumer processes (run_huey -k thread) on Redis; PostgreSQL, Redis, the consumers, the "
            "receiver and the publisher share the machine.",
            "Each delivery: outbox claim, delivery + endpoint read, signed POST (httpx, keep-alive), attempt + "
            "delivery written in one transaction, outbox done. Each event: one fan-out transaction.",
            "Throughput window: first to last arrival at the receiver (consumer start-up excluded). Latency: "
            "publisher's commit (after the on-commit enqueue) to the receiver's arrival, across processes.",
            f"Publisher alone (backlog phase, no consumers running): {rows[0]['publish_events_per_s']} events/s.",
            "Targets (issue 7): >= 300 deliveries/s with 2 worker processes; p50 commit -> first attempt < 200 ms.",
            "load 1m: the machine's load average when the phase started (other work on the machine skews results).",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--endpoints", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rates", default="10,50", help="events per second for the latency phase, comma-separated")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    results = run(
        events=args.events,
        endpoints=args.endpoints,
        threads=args.threads,
        rates=tuple(float(r) for r in args.rates.split(",")),
        latency_seconds=args.latency_seconds,
    )
    json_path, md_path = lib.write_results(results)
    print(md_path.read_text())
    print(f"wrote {json_path.relative_to(lib.ROOT)} and {md_path.relative_to(lib.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
