"""A Huey consumer killed with SIGKILL mid-processing: after a restart every transaction is processed, once.

A real consumer runs in a subprocess against the test database, once on a SQLite queue file of
its own and once on the real Redis (a database of its own), so no other consumer takes its tasks.
100 transactions are received; when about 30 % are processed and a call to the processor is in
flight, the consumer is killed. After the outbox lease has run out a new consumer starts; its
startup sweep re-drives what the dead one held.

``attempts`` is committed before each call to the processor, so it counts every call that may have
happened: the transactions interrupted by the kill show 2, every other one exactly 1. Anything
processed twice (a redelivered task, a re-claimed message) would show up there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.platform.models import OutboxMessage
from application.ingest.use_cases import ReceiveTransaction
from entrypoints import bootstrap

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
COUNT = 100
LEASE_SECONDS = 2
DEADLINE_SECONDS = 150
KILL_TRIES = 3


def _redis_queue_url() -> str:
    """A database of its own on the real Redis (the last one), emptied so no stale task is there."""
    import redis

    base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    url = f"{base}/15"
    redis.Redis.from_url(url).flushdb()
    return url


def _consumer_env(tmp_path: Path, queue: str) -> dict[str, str]:
    db = connection.settings_dict
    url = "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=quote(db["USER"] or "", safe=""),
        password=quote(db["PASSWORD"] or "", safe=""),
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        name=db["NAME"],
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
        "HUEY_IMMEDIATE": "false",
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "TRANSACTION_PROCESSING_DELAY_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if queue == "redis":
        env["REDIS_URL"] = _redis_queue_url()
    return env


def _start(env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        # --flush-locks as in production: a killed consumer may leave the sweep lock behind.
        [sys.executable, "manage.py", "run_queues", "-w", "2", "--flush-locks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _processed() -> int:
    return IngestedTransaction.objects.filter(status="PROCESSED").count()


def _in_flight() -> set[str]:
    """Transactions whose processor call started (attempt on record) and has not ended."""
    return set(
        IngestedTransaction.objects.filter(status="PROCESSING", attempts__gte=1).values_list(
            "transaction_id", flat=True
        )
    )


@pytest.mark.parametrize("queue", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_killed_worker_loses_nothing_and_processes_each_transaction_once(tmp_path, webhook, queue):
    # Nothing is queued from this process: the consumer's startup sweep finds the outbox rows.
    bootstrap.container().dispatch = None
    for n in range(COUNT):
        bootstrap.container().ingest.transaction_receive(
            command=ReceiveTransaction(**{**webhook, "transaction_id": f"kill_{n:03d}"})
        )
    assert OutboxMessage.objects.filter(status="pending").count() == COUNT

    env = _consumer_env(tmp_path, queue)
    log_path = tmp_path / "consumer.log"
    with log_path.open("ab") as log:
        started: list[subprocess.Popen[bytes]] = []
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            interrupted: set[str] = set()
            # A kill can land in the instant between two calls, with none in flight (the poll saw one a
            # moment before): then nothing was interrupted, and the scenario is run again on a fresh consumer.
            for _ in range(KILL_TRIES):
                first = _start(env, log)
                started.append(first)
                while not (_processed() >= COUNT * 0.3 and _in_flight()):
                    assert time.monotonic() < deadline, "consumer made no progress:\n" + log_path.read_text()[-3000:]
                    assert first.poll() is None, "consumer died:\n" + log_path.read_text()[-3000:]
                    time.sleep(0.02)
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=10)
                interrupted = _in_flight()
                if interrupted:
                    break
            processed_at_kill = _processed()
            assert interrupted, "the kill should interrupt a call in flight"
            assert processed_at_kill < COUNT

            time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's lease runs out
            second = _start(env, log)
            started.append(second)
            while _processed() < COUNT:
                assert time.monotonic() < deadline, (
                    f"{_processed()}/{COUNT} processed after restart:\n" + log_path.read_text()[-3000:]
                )
                time.sleep(0.1)
        finally:
            for process in started:
                _stop(process)

    rows = list(IngestedTransaction.objects.values("transaction_id", "status", "attempts", "processed_at"))
    assert len(rows) == COUNT
    assert all(r["status"] == "PROCESSED" and r["processed_at"] is not None for r in rows)
    called_twice = {r["transaction_id"] for r in rows if r["attempts"] == 2}
    assert called_twice == interrupted, "only the calls the kill interrupted may have been made again"
    assert all(r["attempts"] == 1 for r in rows if r["transaction_id"] not in interrupted)
    assert OutboxMessage.objects.exclude(status="done").count() == 0
