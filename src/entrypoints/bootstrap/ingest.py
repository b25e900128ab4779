"""Ingest wiring: the Django repositories, the simulated processor, the source rate limiter."""

from __future__ import annotations

from datetime import timedelta

from adapters.cache.rate_limit import SlidingWindowLimiter, rate_setting
from adapters.django_orm.ingest.group_commit import GroupCommitter
from adapters.django_orm.ingest.inbox import DjangoTransactionInbox
from adapters.django_orm.ingest.repository import (
    DjangoMessageReceipts,
    DjangoSourceRepository,
    DjangoTransactionRepository,
)
from adapters.gateways.simulated_processor import SimulatedTransactionProcessor
from application.ingest.services import IngestServices
from application.ingest.sources import SourceLimit
from entrypoints.bootstrap.platform import Platform, setting


def build(built: Platform) -> IngestServices:
    transactions, sources, receipts = DjangoTransactionRepository(), DjangoSourceRepository(), DjangoMessageReceipts()
    max_attempts = int(setting("TRANSACTION_MAX_ATTEMPTS", 5))
    return IngestServices(
        uow=built.uow_factory(transactions=transactions, sources=sources, receipts=receipts),
        inbox=DjangoTransactionInbox(outbox=built.outbox, max_attempts=max_attempts, group_commit=_group_commit()),
        transactions=transactions,
        sources=sources,
        receipts=receipts,
        processor=SimulatedTransactionProcessor.from_settings(lease=built.outbox_lease),
        limiter=SlidingWindowLimiter(),
        clock=built.clock,
        allow_unsigned=bool(setting("INGEST_ALLOW_UNSIGNED", False)),
        source_limit=SourceLimit(*rate_setting("INGEST_SOURCE_RATE", "6000/minute")),
        signature_tolerance=timedelta(seconds=int(setting("INGEST_SIGNATURE_TOLERANCE_SECONDS", 300))),
        max_attempts=max_attempts,
    )


def _group_commit() -> GroupCommitter | None:
    """One per process (the container is built once): concurrent webhook requests share their commit."""
    if not setting("INGEST_GROUP_COMMIT", False):
        return None
    return GroupCommitter(
        max_batch=int(setting("INGEST_GROUP_COMMIT_MAX_BATCH", 64)),
        wait_seconds=float(setting("INGEST_GROUP_COMMIT_WAIT_SECONDS", 10.0)),
    )
