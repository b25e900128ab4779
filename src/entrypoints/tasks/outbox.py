"""Outbox tasks: one task per message id; the message row is the source of truth.

Committed messages reach these tasks through ``wake.py`` (one push per commit, coalesced across
requests) and, when that wake-up was lost, through the sweeper (``periodic.py``).

The same task exists on every queue (entrypoints/tasks/queues.py); a message is enqueued on the
queue its topic belongs to, so a slow workload only ever occupies its own workers.
"""

from __future__ import annotations

from typing import Any

import structlog
from huey.contrib.djhuey import HUEY, close_db, db_task

from entrypoints.tasks.queues import INSTANCES

log = structlog.get_logger("partnerpay.outbox")

TASK_NAME = "entrypoints.tasks.outbox.outbox_process_task"


# A message due again within this long is scheduled on its queue at once (the sweeper, which runs
# every minute, would make a 2-second deferral or a 5-second retry wait up to a minute).
SCHEDULE_WITHIN_SECONDS = 300


def _process(message_id: str, task: Any = None, *, queue: str = "default") -> str:
    from entrypoints import bootstrap

    structlog.contextvars.bind_contextvars(job_id=getattr(task, "id", None), outbox_message_id=message_id)
    try:
        container = bootstrap.container()
        outcome = container.process_outbox_message(message_id)
        if outcome.status != "skipped":
            log.info("outbox_message", status=outcome.status, error=outcome.error or None)
        if outcome.next_attempt_at is not None:
            delay = (outcome.next_attempt_at - container.clock.now()).total_seconds()
            if delay <= SCHEDULE_WITHIN_SECONDS:
                QUEUE_TASKS[queue].schedule(args=(message_id,), delay=max(delay, 0.0) + 0.05)
        return outcome.status
    finally:
        structlog.contextvars.unbind_contextvars("job_id", "outbox_message_id")


@db_task(context=True)
def outbox_process_task(message_id: str, task=None) -> str:  # type: ignore[no-untyped-def]
    return _process(message_id, task)


def _for_queue(queue: str) -> Any:
    def process(message_id: str, task: Any = None) -> str:
        return _process(message_id, task, queue=queue)

    return process


# The default queue's task above keeps its historical name; every other queue gets the same task.
QUEUE_TASKS: dict[str, Any] = {"default": outbox_process_task}
for _queue, _instance in INSTANCES.items():
    if _queue != "default":
        QUEUE_TASKS[_queue] = _instance.task(context=True, name=TASK_NAME)(close_db(_for_queue(_queue)))


__all__ = ["HUEY", "QUEUE_TASKS", "outbox_process_task"]
