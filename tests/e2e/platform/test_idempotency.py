"""The Idempotency-Key contract, exercised on a real create endpoint (merchant API keys)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from entrypoints import bootstrap
from tests.factories.platform import IdempotencyRecordFactory
from tests.helpers import assert_problem, bearer, post, register

pytestmark = pytest.mark.django_db

PATH = "/api/v1/merchants/me/api-keys"


def _keys(user_id: str) -> int:
    from adapters.django_orm.identity.models import ApiKey

    return ApiKey.objects.filter(user_id=user_id).count()


def test_same_key_same_body_replays_first_response(http):
    merchant = register(http, "merchant")
    headers = {**bearer(merchant["access"]), "Idempotency-Key": "k-1"}
    first = post(http, PATH, {"name": "ci"}, **headers)
    second = post(http, PATH, {"name": "ci"}, **headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert _keys(merchant["user"]["id"]) == 2  # the registration key plus exactly one


def test_same_key_different_body_is_422(http):
    merchant = register(http, "merchant")
    headers = {**bearer(merchant["access"]), "Idempotency-Key": "k-2"}
    post(http, PATH, {"name": "one"}, **headers)
    assert_problem(post(http, PATH, {"name": "two"}, **headers), 422, "idempotency_key_reused")


def test_same_key_while_first_in_flight_is_409(http):
    from application.shared.idempotency import request_fingerprint

    merchant = register(http, "merchant")
    body = b'{"name": "slow"}'
    IdempotencyRecordFactory(
        scope=f"user:{merchant['user']['id']}",
        key="k-3",
        fingerprint=request_fingerprint("POST", PATH, body, key=bootstrap.container().idempotency_key),
        locked_until=timezone.now() + timedelta(seconds=60),
        created_at=timezone.now(),
    )
    response = http.post(
        PATH,
        data=body,
        content_type="application/json",
        headers={**bearer(merchant["access"]), "Idempotency-Key": "k-3"},
    )
    assert_problem(response, 409, "idempotency_key_in_flight")


def test_stale_in_flight_reservation_is_taken_over(http):
    from application.shared.idempotency import request_fingerprint

    merchant = register(http, "merchant")
    body = b'{"name": "crashed"}'
    IdempotencyRecordFactory(
        scope=f"user:{merchant['user']['id']}",
        key="k-4",
        fingerprint=request_fingerprint("POST", PATH, body, key=bootstrap.container().idempotency_key),
        locked_until=timezone.now() - timedelta(seconds=1),
        created_at=timezone.now() - timedelta(seconds=61),
    )
    response = http.post(
        PATH,
        data=body,
        content_type="application/json",
        headers={**bearer(merchant["access"]), "Idempotency-Key": "k-4"},
    )
    assert response.status_code == 201


def test_validation_failure_stores_nothing(http):
    from adapters.django_orm.platform.models import IdempotencyRecord

    merchant = register(http, "merchant")
    headers = {**bearer(merchant["access"]), "Idempotency-Key": "k-5"}
    assert_problem(post(http, PATH, {"name": ""}, **headers), 422, "validation_error")
    assert not IdempotencyRecord.objects.filter(key="k-5").exists()
    assert post(http, PATH, {"name": "fixed"}, **headers).status_code == 201


def test_keys_are_scoped_per_caller(http):
    first, second = register(http, "merchant"), register(http, "merchant")
    a = post(http, PATH, {"name": "x"}, **bearer(first["access"]), **{"Idempotency-Key": "shared"})
    b = post(http, PATH, {"name": "x"}, **bearer(second["access"]), **{"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_scope_survives_token_change_and_api_key_use(http):
    merchant = register(http, "merchant")
    first = post(http, PATH, {"name": "x"}, **bearer(merchant["access"]), **{"Idempotency-Key": "same-caller"})
    second = post(http, PATH, {"name": "x"}, **{"X-API-Key": merchant["api_key"], "Idempotency-Key": "same-caller"})
    assert second.json()["id"] == first.json()["id"]


def test_overlong_key_is_422(http):
    merchant = register(http, "merchant")
    response = post(http, PATH, {"name": "x"}, **bearer(merchant["access"]), **{"Idempotency-Key": "k" * 256})
    assert_problem(response, 422, "invalid_idempotency_key")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_requests_one_key_one_effect():
    merchant = register(Client(), "merchant")
    headers = {**bearer(merchant["access"]), "Idempotency-Key": "parallel-1"}
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    ids: set[str] = set()
    lock = threading.Lock()

    def call() -> None:
        try:
            client = Client()
            barrier.wait()
            response = post(client, PATH, {"name": "race"}, **headers)
            with lock:
                statuses.append(response.status_code)
                if response.status_code == 201:
                    ids.add(response.json()["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 20
    assert set(statuses) <= {201, 409}
    assert len(ids) == 1
    assert _keys(merchant["user"]["id"]) == 2
