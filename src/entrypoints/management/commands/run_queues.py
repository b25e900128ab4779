"""``manage.py run_queues [queue ...]``: a Huey consumer per queue, each with its own worker pool.

Without arguments every queue runs in this one process (``make run``, small deployments); in
production run one process per queue and scale each on its own (docs/production.md)::

    manage.py run_queues default            # periodic jobs + short jobs
    manage.py run_queues ingest -w 128      # seed 004's waiting calls
    manage.py run_queues webhooks sync --no-periodic

Only the ``default`` consumer schedules periodic jobs, and only where ``--no-periodic`` is not given
(run exactly one such process). SIGINT stops gracefully, SIGTERM at once, as ``run_huey``.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from huey.consumer import Consumer, ConsumerStopped


class Command(BaseCommand):
    help = "Run Huey consumers for the named queues (default: all), each with its own worker pool."

    def add_arguments(self, parser: CommandParser) -> None:
        from entrypoints.tasks.queues import QUEUES

        parser.add_argument("queues", nargs="*", help=f"any of {', '.join(QUEUES)} (default: all)")
        parser.add_argument("-w", "--workers", type=int, default=None, help="threads per queue (else QUEUE_WORKERS_*)")
        parser.add_argument("--no-periodic", action="store_true", help="do not schedule periodic jobs here")
        parser.add_argument("-f", "--flush-locks", action="store_true", help="flush task locks first")
        parser.add_argument("--graceful-signal", choices=["INT", "TERM"], default="INT", help="as run_huey")
        parser.add_argument("--shutdown-timeout", type=float, default=None, help="as run_huey (seconds)")

    def handle(self, *args: Any, **options: Any) -> None:
        import entrypoints.tasks  # noqa: F401 - registers every task on every queue
        from entrypoints.tasks.queues import QUEUES, huey_for

        names = list(dict.fromkeys(options["queues"] or QUEUES))
        unknown = [name for name in names if name not in QUEUES]
        if unknown:
            raise CommandError(f"unknown queue(s) {unknown}; the queues are {', '.join(QUEUES)}")
        workers: dict[str, int] = settings.QUEUE_WORKERS
        consumers = []
        for name in names:
            instance = huey_for(name)
            instance.immediate = False
            count = options["workers"] or int(workers.get(name, 2))
            consumers.append(
                Consumer(
                    instance,
                    workers=max(1, count),
                    periodic=name == "default" and not options["no_periodic"],
                    worker_type="thread",
                    check_worker_health=True,
                    flush_locks=options["flush_locks"],
                    graceful_signal=options["graceful_signal"],
                    shutdown_timeout=options["shutdown_timeout"],
                )
            )
            self.stdout.write(f"queue {name}: {count} worker thread(s)")
        for consumer in consumers:
            consumer.start()

        def relay(signum: int, frame: Any) -> None:
            for consumer in consumers:
                consumer._handle_signal(signum, frame)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # relayed to every consumer
            signal.signal(signum, relay)

        health: dict[int, float | None] = {id(c): time.monotonic() for c in consumers}
        running = list(consumers)
        while running:
            for consumer in list(running):
                try:
                    health[id(consumer)] = consumer.loop(health[id(consumer)])
                except ConsumerStopped:
                    running.remove(consumer)
                    for other in running:  # one stopping (a signal) stops them all
                        if other._signum is None:
                            other._handle_signal(consumer._signum or signal.SIGINT, None)
        for consumer in consumers:
            consumer.huey.notify_interrupted_tasks()
