"""Stats changes are appended and folded into the daily counters later; every read counts each once."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from adapters.django_orm.payments.models import MerchantDailyStats, PlatformDailyStats, StatsDelta
from adapters.django_orm.payments.stats import DjangoStatsQuery, DjangoStatsRecorder
from entrypoints import bootstrap
from tests.concurrency import run_concurrently
from tests.e2e.payments.conftest import create_order
from tests.helpers import register

DAY = date(2026, 11, 28)


def _record(seller: str, **counts: int) -> None:
    DjangoStatsRecorder().record(seller_id=seller, day=DAY, currency="INR", **counts)


@pytest.mark.django_db
def test_a_fold_moves_every_change_into_the_daily_counters_and_changes_no_answer():
    query = DjangoStatsQuery()
    _record("m-1", orders=1, volume_minor=500)
    _record("m-1", successful_payments=1, volume_minor=250)
    _record("m-2", orders=2, cancelled=1)
    before = (query.summary(seller_id="m-1", since=None), query.summary(seller_id=None, since=DAY))
    assert before[0].total_orders == 1
    assert before[0].volume == {"INR": 750}
    assert before[1].total_orders == 3
    assert before[1].canceled_orders == 1

    assert bootstrap.container().payments.stats_fold(batch=2) == 3  # in batches until none is left
    assert not StatsDelta.objects.exists()
    assert sum(MerchantDailyStats.objects.filter(seller_id="m-1").values_list("volume_minor", flat=True)) == 750
    assert sum(PlatformDailyStats.objects.filter(day=DAY).values_list("orders", flat=True)) == 3
    assert (query.summary(seller_id="m-1", since=None), query.summary(seller_id=None, since=DAY)) == before

    _record("m-1", orders=1)  # a change after the fold adds to the folded counters
    assert query.summary(seller_id="m-1", since=None).total_orders == 2
    assert bootstrap.container().payments.stats_fold() == 1
    assert query.summary(seller_id="m-1", since=None).total_orders == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_and_folds_count_every_order_once():
    merchant = register(Client(), "merchant")
    merchant["headers"] = {"X-API-Key": merchant["api_key"]}
    seller = merchant["user"]["id"]
    count = 12

    def order_or_fold(i: int) -> object:
        if i % 3 == 0:
            return DjangoStatsQuery().fold_pending(limit=2)
        return create_order(Client(), merchant, amount="1.00")

    results = run_concurrently(order_or_fold, count)
    assert not [r for r in results if isinstance(r, Exception)], results
    orders = count - count // 3
    query = DjangoStatsQuery()
    assert query.summary(seller_id=seller, since=None).total_orders == orders
    bootstrap.container().payments.stats_fold()
    assert not StatsDelta.objects.exists()
    assert query.summary(seller_id=seller, since=None).total_orders == orders
