"""Waking workers for committed outbox messages: one push per commit, coalesced across requests.

A commit hands every outbox message it made due to ``wake`` at once (the outbox writer joins them in
one on-commit callback). ``wake`` does not talk to the queue on the caller's thread: it adds the ids to
this process's ``WakeCoalescer`` and returns. The coalescer's thread pushes everything handed to it
since its last push in one round trip (one ``LPUSH key task task ...`` per queue, pipelined); commits
that arrive while a push is in flight ride on the next one. Idle, a commit is pushed at once (no fixed
wait); busy, pushes start at most every ``OUTBOX_WAKE_INTERVAL_MS`` (default 20 ms) and carry every
commit since the last one. A push costs the process more than a whole order's database statement
(redis-py, a thread switch, a round trip): one per commit was a third of an order's CPU under load,
and a worker starting a webhook a few milliseconds later changes nothing for its receiver. A request
never waits on Redis.

Each message is still its own task (``outbox_process_task``, one per id): a queue's worker pool runs
them in parallel, and each claims its outbox row with a lease as before, so exactly-once handling does
not depend on how the wake-up travelled. A wake-up is only a latency shortcut: lost (process killed
before its push, queue down), the periodic sweeper (``periodic.py``, every minute) finds the row.

In immediate mode (tests, ``HUEY_IMMEDIATE``) the tasks run inline on the committing thread, as before.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from huey.storage import RedisStorage

from entrypoints.tasks.outbox import QUEUE_TASKS
from entrypoints.tasks.queues import INSTANCES, queue_for

log = structlog.get_logger("partnerpay.outbox")

# Message ids by queue, in commit order.
ByQueue = dict[str, list[str]]

# Ids waiting for a push beyond this many are dropped (the queue is down and the push keeps failing):
# their rows stay pending and the sweeper hands them out; memory stays bounded.
MAX_PENDING = 100_000


def by_queue(messages: Sequence[tuple[str, str]]) -> ByQueue:
    grouped: ByQueue = {}
    for message_id, topic in messages:
        grouped.setdefault(queue_for(topic), []).append(message_id)
    return grouped


def push(messages: ByQueue) -> None:
    """Enqueues one ``outbox_process_task`` per id, in as few round trips as the queues allow.

    Redis queues: one ``LPUSH`` per queue carrying all its tasks, every queue of one server in one
    pipeline (one round trip). Other storages (the embedded SQLite queue): one local insert per task.
    """
    pipelines: list[tuple[dict[str, Any], Any]] = []
    for queue, ids in messages.items():
        if not ids:
            continue
        huey, task = INSTANCES[queue], QUEUE_TASKS[queue]
        tasks = [huey.serialize_task(task.s(message_id)) for message_id in ids]
        storage = huey.storage
        # A plain Redis list (not the priority variant, a sorted set): LPUSH then BRPOP keeps commit order.
        if isinstance(storage, RedisStorage) and type(storage).enqueue is RedisStorage.enqueue:
            server = storage.conn.connection_pool.connection_kwargs
            pipeline = next((p for kwargs, p in pipelines if kwargs == server), None)
            if pipeline is None:
                pipeline = storage.conn.pipeline(transaction=False)
                pipelines.append((server, pipeline))
            pipeline.lpush(storage.queue_key, *tasks)
        else:
            for data in tasks:
                storage.enqueue(data)
    for _, pipeline in pipelines:
        pipeline.execute()


def run_inline(messages: ByQueue) -> None:
    """Immediate mode: each task runs now, on this thread, as Huey would run an enqueued one."""
    for queue, ids in messages.items():
        for message_id in ids:
            try:
                QUEUE_TASKS[queue](message_id)
            except Exception:
                log.warning("outbox_enqueue_failed", outbox_message_id=message_id, exc_info=True)


def send(messages: ByQueue) -> None:
    """Pushes now (the sweeper); queues in immediate mode run their tasks inline instead."""
    inline = {q: ids for q, ids in messages.items() if INSTANCES[q].immediate}
    run_inline(inline)
    push({q: ids for q, ids in messages.items() if q not in inline})


class WakeCoalescer:
    """One per process: a thread that pushes what commits hand it, everything pending in one push."""

    def __init__(
        self,
        push: Callable[[ByQueue], None],
        *,
        min_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._push = push
        # Seconds from one push's start to the next one's while commits keep coming; 0: back to back.
        self.min_interval = min_interval
        self._clock, self._sleep = clock, sleep
        self.reset()

    def reset(self) -> None:
        """Starts afresh. A forked child inherits the parent's pending ids (the parent pushes them) and
        lock state, but not its thread."""
        self._changed = threading.Condition()
        self._pending: ByQueue = {}
        self._count = 0
        self._pushing = False
        self._idle = False  # the thread waits for something to push: an offer must wake it
        self._last_push = float("-inf")
        self._thread: threading.Thread | None = None

    def offer(self, messages: ByQueue) -> None:
        """Adds ``messages`` to the next push and returns at once."""
        with self._changed:
            for queue, ids in messages.items():
                if self._count + len(ids) > MAX_PENDING:
                    log.warning("outbox_wake_dropped", queue=queue, count=len(ids), pending=self._count)
                    continue
                self._pending.setdefault(queue, []).extend(ids)
                self._count += len(ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox-wake", daemon=True)
                self._thread.start()
            elif self._idle:
                # Otherwise the thread is pushing or spacing pushes out: it takes these ids on its next
                # push without being woken (a wake-up per commit costs a thread switch).
                self._changed.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Waits until everything offered so far was pushed (or failed); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._pushing, timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._idle = True
                self._changed.wait_for(lambda: bool(self._pending))
                self._idle = False
            # Busy: the commits of the next few milliseconds share this push (idle: no wait at all).
            spacing = self._last_push + self.min_interval - self._clock()
            if spacing > 0:
                self._sleep(spacing)
            with self._changed:
                batch, self._pending, count, self._count = self._pending, {}, self._count, 0
                self._pushing = True
            self._last_push = self._clock()
            try:
                self._push(batch)
            except Exception:
                # Lost wake-ups: the rows are committed and pending, the sweeper hands them out.
                log.warning("outbox_wake_failed", count=count, exc_info=True)
            finally:
                with self._changed:
                    self._pushing = False
                    self._changed.notify_all()


COALESCER = WakeCoalescer(push, min_interval=0.020)  # set from OUTBOX_WAKE_INTERVAL_MS (configure_wake)


def configure_wake(interval_ms: float) -> None:
    """The process's push spacing under load (entrypoints/apps.py, from settings)."""
    COALESCER.min_interval = max(0.0, interval_ms / 1000)


# A server that forks its workers after loading the app: each child starts its own thread when needed.
os.register_at_fork(after_in_child=COALESCER.reset)


def wake(messages: Sequence[tuple[str, str]]) -> None:
    """The outbox's dispatch (entrypoints/apps.py): called once per commit with every message it made due."""
    grouped = by_queue(messages)
    inline = {q: ids for q, ids in grouped.items() if INSTANCES[q].immediate}
    run_inline(inline)
    later = {q: ids for q, ids in grouped.items() if q not in inline}
    if later:
        COALESCER.offer(later)


# A process that exits normally pushes what its last commits handed over (bounded: the sweeper is there).
atexit.register(COALESCER.flush, 2.0)
