"""Admins list ingested transactions with filters and cursor pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories.ingest import IngestedTransactionFactory
from tests.helpers import admin_token, assert_problem, bearer, register

pytestmark = pytest.mark.django_db

LIST = "/api/v1/admin/transactions"
T0 = datetime(2026, 1, 10, tzinfo=UTC)


@pytest.fixture
def admin(http) -> dict[str, str]:
    return bearer(admin_token(http))


@pytest.fixture
def five() -> list[str]:
    # Spread over days so the date filters have something to cut; the newest one is processed.
    rows = [
        IngestedTransactionFactory(
            transaction_id=f"adm_{n}",
            amount_minor=150000,
            currency="USD" if n % 2 else "INR",
            created_at=T0 + timedelta(days=n),
            status="PROCESSED" if n == 4 else "PROCESSING",
            processed_at=T0 if n == 4 else None,
        )
        for n in range(5)
    ]
    return [row.transaction_id for row in rows]


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["transaction_id"] for item in response.json()["items"]]


def test_admin_lists_newest_first_in_cursor_pages(http, admin, five):
    first = http.get(LIST, {"limit": 2}, headers=admin)
    assert _ids(first) == ["adm_4", "adm_3"]
    cursor = first.json()["next_cursor"]
    second = http.get(LIST, {"limit": 2, "cursor": cursor}, headers=admin)
    assert _ids(second) == ["adm_2", "adm_1"]
    third = http.get(LIST, {"limit": 2, "cursor": second.json()["next_cursor"]}, headers=admin)
    assert _ids(third) == ["adm_0"]
    assert third.json()["next_cursor"] is None
    item = first.json()["items"][0]
    assert (item["amount"], item["status"], item["attempts"]) == ("1500.00", "PROCESSED", 0)


def test_admin_filters(http, admin, five):
    assert _ids(http.get(LIST, {"status": "PROCESSED"}, headers=admin)) == ["adm_4"]
    assert _ids(http.get(LIST, {"currency": "usd"}, headers=admin)) == ["adm_3", "adm_1"]
    window = {
        "created_after": (T0 + timedelta(days=1)).isoformat(),
        "created_before": (T0 + timedelta(days=3)).isoformat(),
    }
    assert _ids(http.get(LIST, window, headers=admin)) == ["adm_2", "adm_1"]
    assert _ids(http.get(LIST, {"created_after": "2026-01-13T00:00:00"}, headers=admin)) == ["adm_4", "adm_3"]


@pytest.mark.parametrize(
    "query",
    [{"status": "DONE"}, {"currency": "XYZ"}, {"limit": 0}, {"limit": 1000}, {"created_after": "yesterday"}],
)
def test_bad_filters_are_422(http, admin, query):
    assert_problem(http.get(LIST, query, headers=admin), 422, "validation_error")


def test_a_forged_cursor_is_422(http, admin, five):
    assert_problem(http.get(LIST, {"cursor": "bm90LWEtY3Vyc29y"}, headers=admin), 422, "invalid_cursor")


def test_only_admins_may_list(http, five):
    assert_problem(http.get(LIST), 401, "unauthenticated")
    merchant = register(http, "merchant")
    assert_problem(http.get(LIST, headers=bearer(merchant["access"])), 403, "forbidden")
