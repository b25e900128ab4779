"""Senders racing each other on PostgreSQL: one transaction, processed once, whatever the timing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.platform.models import OutboxMessage
from tests.e2e.ingest.conftest import send

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SENDERS = 20


def _race(bodies: list[dict[str, Any]]) -> list[Any]:
    barrier = threading.Barrier(len(bodies))

    def one(body: dict[str, Any]) -> Any:
        try:
            client = Client(HTTP_HOST="testserver")
            barrier.wait(timeout=30)
            return send(client, body)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def test_twenty_identical_webhooks_at_once_make_one_transaction_processed_once(webhook):
    responses = _race([webhook] * SENDERS)

    assert [r.status_code for r in responses] == [202] * SENDERS, [r.content for r in responses if r.status_code != 202]
    assert sum("Idempotent-Replayed" not in r for r in responses) == 1
    assert IngestedTransaction.objects.count() == 1
    row = IngestedTransaction.objects.get()
    assert (row.status, row.attempts) == ("PROCESSED", 1)
    assert row.processed_at is not None
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxMessage.Status.DONE, 1)


def test_racing_different_versions_of_one_id_keep_exactly_one(webhook):
    bodies = [{**webhook, "amount": f"{100 + n}.00"} for n in range(SENDERS)]
    responses = _race(bodies)

    codes = sorted(r.status_code for r in responses)
    assert codes == [202] + [409] * (SENDERS - 1)
    [winner] = [r for r in responses if r.status_code == 202]
    row = IngestedTransaction.objects.get()
    assert f"{row.amount_minor // 100}.00" == winner.json()["amount"]
    assert OutboxMessage.objects.count() == 1
