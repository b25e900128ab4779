"""``POST /api/v1/orders`` with an Idempotency-Key (issue 15): the order and its stored response commit
in one transaction, so no in-flight claim exists and a failure before the commit keeps neither."""

from __future__ import annotations

import pytest
from django.test import Client

from adapters.django_orm.payments.models import OrderRecord
from adapters.django_orm.platform.models import IdempotencyRecord
from tests.concurrency import run_concurrently
from tests.helpers import assert_problem, post, register

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/v1/orders"


def _merchant() -> dict:
    session = register(Client(), "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def _orders(merchant: dict) -> int:
    return OrderRecord.objects.filter(seller_id=merchant["user"]["id"]).count()


def test_the_record_is_stored_completed_with_the_order():
    merchant = _merchant()
    http = Client()
    first = post(http, PATH, {"amount": "7.00"}, **merchant["headers"], **{"Idempotency-Key": "together"})
    assert first.status_code == 201, first.content
    record = IdempotencyRecord.objects.get(key="together")
    assert (record.response_status, record.locked_until) == (201, None)
    assert record.completed_at is not None
    replay = post(http, PATH, {"amount": "7.00"}, **merchant["headers"], **{"Idempotency-Key": "together"})
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert _orders(merchant) == 1


def test_a_failure_between_the_work_and_the_commit_keeps_neither(monkeypatch):
    """The process fails after the order was written but before the transaction committed (here:
    sealing the stored response raises): the order is gone with the record, and a retry creates it."""
    from entrypoints import bootstrap

    merchant = _merchant()
    http = Client(raise_request_exception=False)
    box = bootstrap.container().idempotency_store._box

    def broken(*args, **kwargs):
        raise RuntimeError("died before the commit")

    monkeypatch.setattr(box, "seal", broken)
    failed = post(http, PATH, {"amount": "7.00"}, **merchant["headers"], **{"Idempotency-Key": "dies"})
    assert failed.status_code == 500
    assert _orders(merchant) == 0
    assert not IdempotencyRecord.objects.filter(key="dies").exists()
    monkeypatch.undo()
    retry = post(http, PATH, {"amount": "7.00"}, **merchant["headers"], **{"Idempotency-Key": "dies"})
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert _orders(merchant) == 1


def test_a_refused_request_stores_nothing_and_the_fixed_one_runs():
    merchant = _merchant()
    http = Client()
    headers = {**merchant["headers"], "Idempotency-Key": "fix-me"}
    past = "2020-01-01T00:00:00Z"
    assert_problem(post(http, PATH, {"amount": "7.00", "expires_at": past}, **headers), 422, "invalid_expiry")
    assert not IdempotencyRecord.objects.filter(key="fix-me").exists()
    assert post(http, PATH, {"amount": "7.00"}, **headers).status_code == 201
    assert _orders(merchant) == 1


@pytest.mark.postgres
def test_twenty_concurrent_twins_all_get_the_one_order():
    """Twins wait on the first one's uncommitted rows, then replay its stored response: no 409 in flight."""
    merchant = _merchant()
    headers = {**merchant["headers"], "Idempotency-Key": "twins"}
    results = run_concurrently(lambda i: post(Client(), PATH, {"amount": "9.99"}, **headers), 20)
    assert [r.status_code for r in results] == [201] * 20, [getattr(r, "content", r) for r in results]
    assert len({r.content for r in results}) == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in results) == 19
    assert _orders(merchant) == 1
    assert IdempotencyRecord.objects.filter(key="twins").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        # Text: PostgreSQL refuses it at the commit (SQLite would store it).
        pytest.param({"description": "a\u0000b"}, marks=pytest.mark.postgres),
        # Metadata: refused by the schema, on every database.
        {"metadata": {"note": "a\u0000b"}},
    ],
)
def test_a_nul_character_is_refused_and_nothing_is_stored(body):
    """What PostgreSQL would refuse at the commit is a client mistake: problem+json, no order, no record."""
    merchant = _merchant()
    http = Client()
    headers = {**merchant["headers"], "Idempotency-Key": "nul"}
    response = post(http, PATH, {"amount": "7.00", **body}, **headers)
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert _orders(merchant) == 0
    assert not IdempotencyRecord.objects.filter(key="nul").exists()
