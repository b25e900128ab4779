"""Statement budgets of the write paths (issue 15), on PostgreSQL: a regression names the path that grew.

Every statement a request sends is a round trip to the database; these are the ceilings the lean
write paths were built to. Throughput itself is measured by ``make bench`` (benchmarks/write_paths.py),
never by a timed test. Counted twice: every statement Django sends (SAVEPOINT/RELEASE included, and the
BEGIN/COMMIT Django notes for a block), and on the wire (tests/wire.py) every statement PostgreSQL was
asked to run and every round trip the request waited for.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.e2e.payments.conftest import create_order
from tests.helpers import post, register
from tests.wire import traced

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

BUDGETS = {
    "ingestion (unique transaction id)": 2,
    "ingestion (replayed transaction id)": 2,
    "order create (API key, Idempotency-Key)": 3,
    "card payment on an existing order": 10,
    "refund of a captured card payment": 10,
}
# Round trips to PostgreSQL: BEGIN, reads, writes and COMMIT each cost one unless sent together.
ROUND_TRIPS = {
    "ingestion (unique transaction id)": 1,
    "ingestion (replayed transaction id)": 1,
    "order create (API key, Idempotency-Key)": 1,
    "card payment on an existing order": 3,
    "refund of a captured card payment": 5,
}


@pytest.fixture(autouse=True)
def _request_path_only(settings) -> None:
    from entrypoints import bootstrap

    settings.SANDBOX_CARD_DELAYS = False
    settings.INGEST_ALLOW_UNSIGNED = True
    # Outbox messages stay queued: in-process (immediate) workers would run their jobs inside the request.
    bootstrap.container().dispatch = None


@pytest.fixture
def merchant(http) -> dict[str, Any]:
    session = register(http, "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    # Warm what a running server has warm (the API key's first lookup, connection set-up).
    create_order(http, session)
    return session


def _statements(path: str, send) -> tuple[Any, list[str]]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured, traced() as wire:
        response = send()
    sql = [query["sql"] for query in captured.captured_queries]
    budget = BUDGETS[path]
    assert len(sql) <= budget, f"{path}: {len(sql)} statements, budget {budget}:\n" + "\n".join(s[:160] for s in sql)
    sent = "\n".join(s[:160] for s in wire.statements)
    assert len(wire.statements) <= budget, f"{path}: {len(wire.statements)} statements sent, budget {budget}:\n{sent}"
    trips = ROUND_TRIPS[path]
    assert wire.round_trips <= trips, f"{path}: {wire.round_trips} round trips, budget {trips}:\n{sent}"
    return response, sql


def _transaction(transaction_id: str) -> dict[str, str]:
    return {
        "transaction_id": transaction_id,
        "source_account": "acc_user_789",
        "destination_account": "acc_merchant_456",
        "amount": "150.50",
        "currency": "INR",
    }


def test_ingestion_stays_within_its_budget(http):
    body = _transaction(f"txn_{uuid.uuid4().hex}")
    response, _ = _statements(
        "ingestion (unique transaction id)",
        lambda: post(http, "/v1/webhooks/transactions", body),
    )
    assert response.status_code == 202, response.content
    response, _ = _statements(
        "ingestion (replayed transaction id)",
        lambda: post(http, "/v1/webhooks/transactions", body),
    )
    assert response.status_code == 202
    assert response["Idempotent-Replayed"] == "true"


def test_order_create_stays_within_its_budget(http, merchant):
    headers = {**merchant["headers"], "Idempotency-Key": uuid.uuid4().hex}
    response, _ = _statements(
        "order create (API key, Idempotency-Key)",
        lambda: post(http, "/api/v1/orders", {"amount": "100.50", "currency": "INR"}, **headers),
    )
    assert response.status_code == 201, response.content


def test_card_payment_stays_within_its_budget(http, merchant):
    order = create_order(http, merchant)
    body = {
        "order_id": order["id"],
        "method": "card",
        "card": {"number": "4242424242424242", "expiry": "12/35", "cvv": "123"},
    }
    response, _ = _statements(
        "card payment on an existing order",
        lambda: post(http, "/api/v1/payments", body, **merchant["headers"]),
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "captured"


def test_refund_stays_within_its_budget(http, merchant):
    order = create_order(http, merchant)
    body = {
        "order_id": order["id"],
        "method": "card",
        "card": {"number": "4242424242424242", "expiry": "12/35", "cvv": "123"},
    }
    payment = post(http, "/api/v1/payments", body, **merchant["headers"]).json()
    response, _ = _statements(
        "refund of a captured card payment",
        lambda: post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "10.00"}, **merchant["headers"]),
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "succeeded"
