"""Onboarding and approving under concurrency, on PostgreSQL (real row locks and unique indexes)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from adapters.django_orm.distributors.models import Distributor, DistributorStatusChange
from adapters.django_orm.platform.models import OutboxMessage
from tests.distributor_data import distributor_body, make_gstin
from tests.helpers import admin_token, bearer, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 12


def _race(calls: list[tuple[str, Any]], headers: dict[str, str]) -> list[Any]:
    barrier = threading.Barrier(len(calls))

    def one(call: tuple[str, Any]) -> Any:
        path, body = call
        try:
            client = Client(HTTP_HOST="testserver")
            barrier.wait(timeout=30)
            return post(client, path, body, **headers)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def test_concurrent_onboarding_of_one_gstin_makes_one_distributor():
    headers = bearer(admin_token(Client()))
    body = distributor_body()
    responses = _race([("/api/v1/distributors", body)] * RACERS, headers)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (RACERS - 1), [r.content for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"distributor_exists"}
    assert Distributor.objects.filter(gstin=body["gstin"]).count() == 1
    assert DistributorStatusChange.objects.count() == 1


def test_concurrent_onboarding_of_one_pan_under_different_gstins_makes_one_distributor():
    headers = bearer(admin_token(Client()))
    first = distributor_body()
    bodies = [dict(first, gstin=make_gstin(first["pan"], state=f"{10 + i:02d}")) for i in range(RACERS)]
    responses = _race([("/api/v1/distributors", b) for b in bodies], headers)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (RACERS - 1)
    assert Distributor.objects.filter(pan=first["pan"]).count() == 1


def test_concurrent_approvals_approve_once_and_sync_once():
    client = Client(HTTP_HOST="testserver")
    headers = bearer(admin_token(client))
    created = post(client, "/api/v1/distributors", distributor_body(), **headers).json()
    path = f"/api/v1/distributors/{created['id']}/approve"
    responses = _race([(path, None)] * RACERS, headers)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (RACERS - 1), [r.content for r in responses]
    assert DistributorStatusChange.objects.filter(to_status="active").count() == 1
    assert OutboxMessage.objects.filter(topic="erp.business_partner.upsert").count() == 1
