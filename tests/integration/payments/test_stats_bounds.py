"""No stats counter can overflow (issue #13, "Bounded money").

Before the limit, about 93 captures of 999,999,999,999,999.99 overflowed a shard's BIGINT
``volume_minor`` and every later capture on that shard failed for the rest of the day. Now no
payment exceeds ``CEILING_MINOR`` (the largest maximum configuration may set), so a shard holds
more than 92 million maximum-size captures in one day: recorded here in bulk, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest

from adapters.django_orm.payments import stats
from adapters.django_orm.payments.models import MerchantDailyStats, PlatformDailyStats
from domain.payments.limits import CEILING_MINOR

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

INT64_MAX = 2**63 - 1
DAY = date(2026, 11, 28)


def test_a_day_of_maximum_size_captures_fits_one_shard(monkeypatch):
    monkeypatch.setattr(stats.secrets, "randbelow", lambda _n: 0)  # every change on shard 0
    recorder = stats.DjangoStatsRecorder()
    captures_per_call = 1_000_000
    calls = INT64_MAX // (CEILING_MINOR * captures_per_call)
    assert calls >= 92
    for _ in range(calls):
        recorder.record(
            seller_id="m-1",
            day=DAY,
            currency="KWD",
            successful_payments=captures_per_call,
            volume_minor=CEILING_MINOR * captures_per_call,
            refunded_minor=CEILING_MINOR * captures_per_call,
        )
    expected = calls * CEILING_MINOR * captures_per_call
    assert stats.DjangoStatsQuery().fold_pending(limit=calls + 1) == calls  # into shard 0 of each table
    merchant = MerchantDailyStats.objects.get(seller_id="m-1", day=DAY, currency="KWD", shard=0)
    platform = PlatformDailyStats.objects.get(day=DAY, currency="KWD", shard=0)
    for row in (merchant, platform):
        assert row.volume_minor == row.refunded_minor == expected
        assert row.successful_payments == calls * captures_per_call
    summary = stats.DjangoStatsQuery().summary(seller_id="m-1", since=None)
    assert summary.volume == {"KWD": expected}
    assert summary.successful_payments == calls * captures_per_call
