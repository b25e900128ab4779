"""The external transaction processor of seed 004, simulated: a call that takes a configured time.

Seed 004 slept 30 seconds to stand in for a slow external API; the delay is configuration
(TRANSACTION_PROCESSING_DELAY_SECONDS). ``fail_ids`` makes the call fail for chosen transaction
ids, so retries and the FAILED state can be exercised without a real processor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import timedelta

import structlog
from django.conf import settings

from application.ingest.ports import ProcessingResult
from domain.ingest.transaction import Transaction

log = structlog.get_logger("partnerpay.ingest")


class SimulatedTransactionProcessor:
    def __init__(
        self,
        *,
        delay_seconds: float,
        fail_ids: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay_seconds = max(float(delay_seconds), 0.0)
        self.fail_ids = frozenset(fail_ids)
        self._sleep = sleep

    @classmethod
    def from_settings(cls, *, lease: timedelta) -> SimulatedTransactionProcessor:
        delay = float(getattr(settings, "TRANSACTION_PROCESSING_DELAY_SECONDS", 30.0))
        if delay >= lease.total_seconds():
            # A call outliving its lease is handed to a second worker: the processor would be called twice.
            log.warning("ingest_delay_exceeds_outbox_lease", delay_seconds=delay, lease=lease.total_seconds())
        return cls(delay_seconds=delay)

    def process(self, transaction: Transaction) -> ProcessingResult:
        if self.delay_seconds:
            self._sleep(self.delay_seconds)
        if transaction.transaction_id in self.fail_ids:
            return ProcessingResult(succeeded=False, reason="simulated processor declined the transaction")
        return ProcessingResult(succeeded=True)
