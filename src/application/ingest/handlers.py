"""What ingest does when its outbox messages come due: process a received transaction."""

from __future__ import annotations

import logging
from typing import Any

from application.ingest.services import IngestServices
from application.ingest.use_cases import PROCESS_TOPIC
from application.shared.outbox import Attempt
from application.shared.subscriptions import Subscriptions

log = logging.getLogger("partnerpay.ingest")


def register(subscriptions: Subscriptions, ingest: IngestServices) -> None:
    def process(payload: dict[str, Any], *, attempt: Attempt) -> None:
        transaction_id = str(payload["transaction_id"])
        result = ingest.transaction_process(
            transaction_id=transaction_id, attempt=attempt.number, max_attempts=attempt.max_attempts
        )
        if result is not None:
            log.info(
                "transaction_processing_ended",
                extra={"transaction_id": transaction_id, "attempt": attempt.number, "status": str(result.status)},
            )

    subscriptions.subscribe(PROCESS_TOPIC, process, max_attempts=ingest.max_attempts)
