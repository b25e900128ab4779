"""Separate queues per workload, each with its own consumer and worker pool.

One slow or hostile party must never delay the others: seed 004's 30-second processing call, a
merchant endpoint that drips its answer, and an ERP that hangs each get their own queue, so they
can only exhaust their own workers.

=========  ==========================================  ===========================================
queue      outbox topics                               why its own
=========  ==========================================  ===========================================
default    everything else (events routing and         short jobs; also runs the periodic jobs
           fan-out, payments, commissions, invoices,
           payouts, gateways)
ingest     ``ingest.*``                                 waits ~30 s per job on an external call:
                                                        a wide pool sized for waiting
webhooks   ``webhooks.deliver``                         calls merchants' servers (bounded, but slow)
sync       ``erp.*``, ``payments.return.submit``,          calls SAP / provider APIs (returns of
           ``payments.cancel_at_provider``,             unexpected money, checkout cancellations,
           ``earnings.payout.process``,                 payouts, SSLCommerz validation)
           ``gateways.inbound.process``
=========  ==========================================  ===========================================

``default`` is djhuey's HUEY (``manage.py run_huey`` still runs it); the others are Huey instances
of the same kind (Redis, or SQLite files next to the default one) under their own names. Each has the
same ``outbox_process_task``: the outbox row, not the queue, is the source of truth, so routing a
message to a queue only decides which pool runs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from huey import Huey, RedisHuey, SqliteHuey
from huey.contrib.djhuey import HUEY

log = structlog.get_logger("partnerpay.queues")

QUEUES = ("default", "ingest", "webhooks", "sync")
# Longest prefix wins; anything unlisted runs on "default".
TOPIC_PREFIXES: dict[str, str] = {
    "ingest.": "ingest",
    "webhooks.deliver": "webhooks",
    "erp.": "sync",
    # Provider calls (phase 2 of a money movement): a slow provider waits on the sync pool only.
    "payments.return.submit": "sync",
    "payments.cancel_at_provider": "sync",
    "earnings.payout.process": "sync",
    "gateways.inbound.process": "sync",
}


def queue_for(topic: str | None) -> str:
    if not topic:
        return "default"
    best = ""
    for prefix in TOPIC_PREFIXES:
        if topic.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return TOPIC_PREFIXES[best] if best else "default"


def _build(name: str) -> Huey:
    config: dict[str, Any] = settings.HUEY
    common = {"immediate": bool(config.get("immediate", False)), "results": False, "utc": True}
    base = str(config.get("name", "partnerpay"))
    if "connection" in config:
        return RedisHuey(f"{base}-{name}", url=config["connection"]["url"], **common)
    default_file = Path(str(config["filename"]))
    return SqliteHuey(
        f"{base}-{name}",
        filename=str(default_file.with_name(f"{default_file.stem}-{name}{default_file.suffix}")),
        **common,
    )


INSTANCES: dict[str, Huey] = {"default": HUEY, **{name: _build(name) for name in QUEUES if name != "default"}}


def set_immediate(flag: bool) -> None:
    """Tests run every queue's jobs inline, as the default one's."""
    for instance in INSTANCES.values():
        instance.immediate = flag


def huey_for(queue: str) -> Huey:
    return INSTANCES[queue]
