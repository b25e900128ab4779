"""What ERP does when its outbox messages come due: one SAP attempt per message.

- ``erp.business_partner.upsert`` ``{"distributor_id"}``: written when a distributor is approved
  (and when an active distributor's SAP-relevant data changes, or on an admin resync);
- ``erp.journal_entry.post`` ``{"payment_id", "distributor_id", "amount_minor", "currency", "posted_on"}``:
  written when a distributor payment is captured (``journal_entry_request``);
- ``erp.journal_reversal.post`` (the same plus ``"refund_id"``): written when a refund of a
  distributor payment succeeded (``journal_reversal_request``).

Without a gateway (no SAP in this deployment) the record waits as ``pending`` saying so, and the
message is done: nothing retries it until an admin resyncs once SAP is configured.
"""

from __future__ import annotations

from typing import Any

from application.erp import use_cases
from application.erp.journal import JOURNAL_TOPICS, JournalRequest
from application.erp.services import ErpServices
from application.shared.errors import InvalidInput
from application.shared.outbox import Attempt, OutboxHandler, RetryLater
from application.shared.subscriptions import Subscriptions
from domain.erp.sync import SyncKind


def register(subscriptions: Subscriptions, erp: ErpServices) -> None:
    def upsert_business_partner(payload: dict[str, Any], *, attempt: Attempt) -> None:
        distributor_id = str(payload["distributor_id"])
        if erp.gateway is None:
            erp.sync_not_configured(kind=SyncKind.BUSINESS_PARTNER, object_id=distributor_id)
            return
        erp.business_partner_sync(distributor_id=distributor_id, attempt=attempt)

    def journal_poster(kind: SyncKind) -> OutboxHandler:
        def post_journal(payload: dict[str, Any], *, attempt: Attempt) -> None:
            try:
                request = JournalRequest.from_payload(payload, kind=kind)
            except InvalidInput as exc:
                raise RetryLater(exc.message, give_up=True) from None
            if erp.gateway is None:
                erp.sync_not_configured(kind=kind, object_id=request.object_id, payload=dict(payload))
                return
            erp.journal_post(request=request, attempt=attempt)

        return post_journal

    subscriptions.subscribe(use_cases.BUSINESS_PARTNER_TOPIC, upsert_business_partner, max_attempts=erp.max_attempts)
    for kind, topic in JOURNAL_TOPICS.items():
        subscriptions.subscribe(topic, journal_poster(kind), max_attempts=erp.max_attempts)
