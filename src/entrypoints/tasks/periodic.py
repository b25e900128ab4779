"""Periodic jobs, in one module, each single-flight through lock_task."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import structlog
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task, db_task, lock_task

from entrypoints.tasks.queues import INSTANCES
from entrypoints.tasks.wake import by_queue, send

log = structlog.get_logger("partnerpay.periodic")

SWEEP_BATCH = 1000


@db_task()
def outbox_sweep_task() -> int:
    with lock_task("outbox-sweep"):
        return _sweep()


def _sweep(queue: str | None = None) -> int:
    """Re-drives due messages, each on its topic's queue; ``queue`` limits it to one queue's topics.

    The safety net of every lost wake-up (wake.py): a committed message whose push never happened
    waits at most until the next sweep, a minute, plus its turn in the queue.
    """
    from entrypoints import bootstrap

    container = bootstrap.container()
    due = container.outbox_store.due_messages(now=container.clock.now(), limit=SWEEP_BATCH)
    found = by_queue(due)
    if queue is not None:
        found = {queue: found.get(queue, [])}
    sent = sum(len(ids) for ids in found.values())
    if sent:
        send(found)  # one push for the whole sweep
        log.info("outbox_swept", count=sent, queue=queue or "all")
    return sent


@db_periodic_task(crontab(minute="*"))
def outbox_sweep_periodic() -> None:
    """Re-drives pending rows and rows whose worker died holding them (expired lease)."""
    outbox_sweep_task()


@db_periodic_task(crontab(minute="17"))
def idempotency_purge_periodic() -> None:
    from entrypoints import bootstrap

    with lock_task("idempotency-purge"):
        container = bootstrap.container()
        purged = container.idempotency_store.purge_older_than(container.clock.now() - timedelta(hours=48))
        log.info("idempotency_purged", count=purged)


_started: set[str] = set()
_started_lock = threading.Lock()


def _first_worker(queue: str) -> bool:
    # on_startup runs in every worker thread: one sweep per consumer is enough.
    with _started_lock:
        if queue in _started:
            return False
        _started.add(queue)
        return True


@HUEY.on_startup()
def _sweep_on_startup() -> None:
    # A restarted consumer picks up what a killed one left: now, and once leases run out.
    from entrypoints import bootstrap

    if not _first_worker("default"):
        return
    try:
        outbox_sweep_task()
        outbox_sweep_task.schedule(delay=int(bootstrap.container().outbox_lease.total_seconds()) + 1)
    except Exception:
        log.warning("startup_sweep_failed", exc_info=True)


def _queue_startup(queue: str) -> None:
    from entrypoints import bootstrap

    if not _first_worker(queue):
        return
    try:
        _sweep(queue)
        QUEUE_SWEEPS[queue].schedule(delay=int(bootstrap.container().outbox_lease.total_seconds()) + 1)
    except Exception:
        log.warning("startup_sweep_failed", queue=queue, exc_info=True)


def _make_queue_sweep(queue: str) -> object:
    instance = INSTANCES[queue]

    def sweep_own_queue() -> int:
        with instance.lock_task(f"outbox-sweep-{queue}"):
            return _sweep(queue)

    task = instance.task(name=f"entrypoints.tasks.periodic.outbox_sweep_{queue}")(close_db(sweep_own_queue))
    instance.on_startup(name=f"outbox-startup-sweep-{queue}")(lambda: _queue_startup(queue))
    return task


# The other queues' consumers sweep their own topics when they start (the default queue's periodic
# sweep covers every queue while it runs; a lone restarted ingest consumer must not wait for it).
QUEUE_SWEEPS: dict[str, Any] = {queue: _make_queue_sweep(queue) for queue in INSTANCES if queue != "default"}


@db_periodic_task(crontab(minute="*"))
def payments_reconcile_periodic() -> None:
    """Payments whose next check is due are asked about (seed 000's polling, with backoff), and intents
    a crash left between phases are finished (docs/gateways.md)."""
    from entrypoints.bootstrap import container

    with lock_task("payments-reconcile"):
        counts = container().payments.payments_reconcile()
        if counts["checked"]:
            log.info("payments_reconciled", **counts)


@db_periodic_task(crontab(minute="*"))
def refunds_recover_periodic() -> None:
    """Refund intents whose provider answer was never applied are sent again with the same key."""
    from entrypoints.bootstrap import container

    with lock_task("refunds-recover"):
        counts = container().payments.refunds_recover()
        if counts["checked"]:
            log.info("refunds_recovered", **counts)


@db_periodic_task(crontab(minute="*"))
def orders_expire_periodic() -> None:
    """Merchant and distributor orders past ``expires_at`` that nobody paid become ``expired``."""
    from entrypoints.bootstrap import container

    with lock_task("orders-expire"):
        expired = container().payments.orders_expire()
        if expired:
            log.info("orders_expired", count=expired)


@db_periodic_task(crontab(minute="*"))
def payments_stats_fold_periodic() -> None:
    """Stats changes each order and payment appended are added into the daily counters (reads stay short)."""
    from entrypoints.bootstrap import container

    with lock_task("payments-stats-fold"):
        folded = container().payments.stats_fold()
        if folded:
            log.info("stats_folded", count=folded)


@db_periodic_task(crontab(minute="*/5"))
def gateway_refunds_reconcile_periodic() -> None:
    """Refunds a hosted gateway accepted as pending are asked about (SSLCommerz sends no refund webhook)."""
    from entrypoints.bootstrap import container

    with lock_task("gateway-refunds-reconcile"):
        counts = container().gateways.gateway_refunds_reconcile()
        if counts["checked"]:
            log.info("gateway_refunds_reconciled", **counts)


@db_periodic_task(crontab(minute="7", hour="3"))
def tokens_flush_periodic() -> None:
    """Expired refresh tokens leave the outstanding/blacklist tables (they can no longer be used)."""
    from entrypoints.bootstrap import container

    with lock_task("tokens-flush"):
        log.info("tokens_flushed", count=container().identity.tokens_flush_expired())


@db_periodic_task(crontab(minute="*/10"))
def earnings_commissions_approve_periodic() -> None:
    """Pending commissions past COMMISSION_HOLD_DAYS become approved (seed 003)."""
    from entrypoints.bootstrap import container

    with lock_task("earnings-commissions-approve"):
        approved = container().earnings.commissions_auto_approve()
        if approved:
            log.info("commissions_auto_approved", count=approved)


@db_periodic_task(crontab(minute="23", hour="2"))
def earnings_tiers_recompute_periodic() -> None:
    """Nightly: trailing 12-month windows move without any sale, so every reseller is re-tiered."""
    from entrypoints.bootstrap import container

    with lock_task("earnings-tiers-recompute"):
        log.info("reseller_tiers_recomputed", changed=container().earnings.tiers_recompute())


@db_periodic_task(crontab(minute="*"))
def marketplace_reservations_expire_periodic() -> None:
    """Unpaid marketplace reservations past RESERVATION_TTL_SECONDS give their stock back (seed 001)."""
    from entrypoints.bootstrap import container

    with lock_task("marketplace-reservations-expire"):
        counts = container().marketplace.reservations_expire()
        if counts["released"]:
            log.info("marketplace_reservations_expired", **counts)


@db_periodic_task(crontab(minute="*/5"))
def ingest_receipts_purge_periodic() -> None:
    """Transaction sources' message ids older than twice the signature tolerance (replays are stale by then)."""
    from entrypoints.bootstrap import container

    with lock_task("ingest-receipts-purge"):
        purged = container().ingest.receipts_purge()
        if purged:
            log.info("ingest_receipts_purged", count=purged)
