"""Outbox tasks: one task per message id; the message row is the source of truth."""

from __future__ import annotations

import structlog
from huey.contrib.djhuey import HUEY, db_task

log = structlog.get_logger("partnerpay.outbox")


@db_task(context=True)
def outbox_process_task(message_id: str, task=None) -> str:  # type: ignore[no-untyped-def]
    from entrypoints import bootstrap

    structlog.contextvars.bind_contextvars(job_id=getattr(task, "id", None), outbox_message_id=message_id)
    try:
        outcome = bootstrap.container().process_outbox_message(message_id)
        if outcome.status != "skipped":
            log.info("outbox_message", status=outcome.status, error=outcome.error or None)
        return outcome.status
    finally:
        structlog.contextvars.unbind_contextvars("job_id", "outbox_message_id")


def enqueue_outbox_message(message_id: str) -> None:
    """Called on commit. If the queue is down the sweeper still finds the row later."""
    try:
        outbox_process_task(message_id)
    except Exception:
        log.warning("outbox_enqueue_failed", outbox_message_id=message_id, exc_info=True)


__all__ = ["HUEY", "enqueue_outbox_message", "outbox_process_task"]
