"""Seed 004 through HTTP: receive with 202, idempotent on transaction_id, processed in the background."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.platform.models import OutboxMessage
from adapters.gateways.simulated_processor import SimulatedTransactionProcessor
from entrypoints import bootstrap
from tests.e2e.ingest.conftest import send
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

SEED_FIELDS = {
    "transaction_id",
    "source_account",
    "destination_account",
    "amount",
    "currency",
    "status",
    "created_at",
    "processed_at",
}


@pytest.mark.parametrize("prefix", ["/v1", "/api/v1"])
def test_receive_answers_202_and_processes_in_the_background(http, webhook, prefix, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send(http, webhook, f"{prefix}/webhooks/transactions")

    assert response.status_code == 202, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"  # Ninja's, as seed 004's senders saw
    body = response.json()
    assert body["status"] == "PROCESSING"
    assert body["processed_at"] is None
    assert (body["amount"], body["currency"]) == ("1500.00", "INR")
    assert response["Location"] == f"/api/v1/transactions/{webhook['transaction_id']}"
    assert len(callbacks) == 1
    # The answer is the stored transaction as GET shows it.
    assert http.get(f"/api/v1/transactions/{webhook['transaction_id']}").json()["created_at"] == body["created_at"]

    legacy = http.get(f"/v1/transactions/{webhook['transaction_id']}")
    assert legacy.status_code == 200
    [seen] = legacy.json()
    assert set(seen) == SEED_FIELDS
    assert seen["status"] == "PROCESSED"
    assert seen["processed_at"] is not None
    assert seen["amount"] == "1500.00"

    current = http.get(f"/api/v1/transactions/{webhook['transaction_id']}").json()
    assert current["status"] == "PROCESSED"
    assert current["attempts"] == 1
    assert current["last_error"] is None
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.DONE


def test_status_is_processing_until_the_job_has_run(http, webhook):
    # No on-commit execution here: the job is queued but has not run yet.
    assert send(http, webhook).status_code == 202
    [seen] = http.get(f"/v1/transactions/{webhook['transaction_id']}").json()
    assert (seen["status"], seen["processed_at"]) == ("PROCESSING", None)


def test_the_same_webhook_again_is_202_and_stores_nothing_new(http, webhook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(http, webhook)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = send(http, webhook)
        via_api = send(http, {**webhook, "amount": "1500.0"}, "/api/v1/webhooks/transactions")

    assert (first.status_code, again.status_code, via_api.status_code) == (202, 202, 202)
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert again.json()["created_at"] == first.json()["created_at"]
    assert again.json()["status"] == "PROCESSED"
    assert callbacks == []
    assert IngestedTransaction.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert IngestedTransaction.objects.get().attempts == 1


def test_the_same_id_with_different_content_is_409_and_the_first_version_kept(http, webhook):
    send(http, webhook)
    response = send(http, {**webhook, "amount": "1500.01"})

    body = assert_problem(response, 409, "transaction_conflict")
    assert body["transaction_id"] == webhook["transaction_id"]
    row = IngestedTransaction.objects.get()
    assert row.amount_minor == 150000
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("raw_amount", "expected"),
    [
        ("150.10", "150.10"),
        ("12345678901234.57", "12345678901234.57"),  # a float would make this ...34.56 or ...34.58
        ("0.1", "0.10"),
        ('"150.5"', "150.50"),
        ('"0.01"', "0.01"),
        ("1e2", "100.00"),
        ("42", "42.00"),
    ],
)
def test_amounts_are_read_exactly_from_numbers_and_strings(http, webhook, raw_amount, expected):
    fields = f'"transaction_id": "{webhook["transaction_id"]}", "source_account": "a", "destination_account": "b"'
    body = "{" + fields + f', "amount": {raw_amount}, "currency": "USD"' + "}"
    response = send(http, body)
    assert response.status_code == 202, response.content
    assert response.json()["amount"] == expected
    assert Decimal(expected).scaleb(2) == IngestedTransaction.objects.get().amount_minor


def test_unknown_transaction_is_404_problem(http):
    assert_problem(http.get("/v1/transactions/txn_nope"), 404, "not_found")
    assert_problem(http.get("/api/v1/transactions/txn_nope"), 404, "not_found")
    assert_problem(http.get("/api/v1/transactions/" + "x" * 500), 404, "not_found")
    assert_problem(http.get("/api/v1/transactions/bad%00id"), 404, "not_found")


def test_ids_with_a_slash_can_be_read_back(http, webhook):
    webhook["transaction_id"] = "gateway/2026/0001"
    assert send(http, webhook).status_code == 202
    response = http.get("/api/v1/transactions/gateway%2F2026%2F0001")
    assert response.status_code == 200
    assert response.json()["transaction_id"] == "gateway/2026/0001"


def test_a_processor_that_keeps_failing_ends_failed_with_the_reason(
    http, webhook, settings, django_capture_on_commit_callbacks
):
    settings.TRANSACTION_MAX_ATTEMPTS = 2
    bootstrap.reset_container()
    container = bootstrap.container()
    container.ingest.processor = SimulatedTransactionProcessor(delay_seconds=0, fail_ids={webhook["transaction_id"]})

    with django_capture_on_commit_callbacks(execute=True):
        send(http, webhook)
    first = http.get(f"/api/v1/transactions/{webhook['transaction_id']}").json()
    assert (first["status"], first["attempts"]) == ("PROCESSING", 1)
    assert first["last_error"] == "simulated processor declined the transaction"

    # The retry is due later; bring it forward instead of waiting for the backoff.
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert container.process_outbox_message(str(message.pk)).status == "dead"

    final = http.get(f"/api/v1/transactions/{webhook['transaction_id']}").json()
    assert (final["status"], final["attempts"]) == ("FAILED", 2)
    assert final["last_error"] == "simulated processor declined the transaction"
    assert final["processed_at"] is not None
    [legacy] = http.get(f"/v1/transactions/{webhook['transaction_id']}").json()
    assert legacy["status"] == "FAILED"
    dead = OutboxMessage.objects.get()
    assert (dead.status, dead.last_error) == (OutboxMessage.Status.DEAD, "simulated processor declined the transaction")


def test_the_processing_delay_is_configuration(settings):
    settings.TRANSACTION_PROCESSING_DELAY_SECONDS = 7.5
    bootstrap.reset_container()
    processor = bootstrap.container().ingest.processor
    assert isinstance(processor, SimulatedTransactionProcessor)
    assert processor.delay_seconds == 7.5


def test_openapi_names_the_operations(http):
    spec = http.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "transactions_receive",
        "transactions_receive_legacy",
        "transactions_get",
        "transactions_get_legacy",
        "admin_transactions_list",
    } <= ids
    assert "/v1/webhooks/transactions" in spec["paths"]
    assert "/v1/transactions/{transaction_id}" in spec["paths"]


def test_the_webhook_path_is_lean_and_a_replay_is_no_dearer_than_a_new_id(http, webhook):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as new:
        assert send(http, webhook).status_code == 202
    with CaptureQueriesContext(connection) as replay:
        assert send(http, webhook).status_code == 202

    statements = [q["sql"].split()[0].upper() for q in new.captured_queries]
    if connection.vendor == "postgresql":
        # One statement writes the transaction and its outbox row (issue 15: ingestion's budget is 2); the
        # driver prepares it by name after a few calls (server-side binding), the text stays the CTE.
        assert statements == ["WITH"]
        assert len(replay.captured_queries) == 1
    else:
        # SQLite: one INSERT for the transaction, one for its outbox row; nothing else.
        assert statements.count("INSERT") == 2
        assert "SELECT" not in statements
        assert "UPDATE" not in statements
    assert len(replay.captured_queries) <= len(new.captured_queries)
