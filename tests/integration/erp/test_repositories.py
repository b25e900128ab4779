"""The ERP sync record repository on the real database: one record per object, claimed by one worker."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.django_orm.erp.models import ErpSyncRecord as SyncRow
from adapters.django_orm.erp.repositories import DjangoSyncRecordRepository
from application.erp.ports import SyncFilter, SyncRecordRepository
from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, PageRequest, encode_cursor
from domain.erp.sync import SyncKind, SyncRecord, SyncStatus
from tests.concurrency import run_concurrently
from tests.factories.distributors import ErpSyncRecordFactory
from tests.integration.repository_checks import NOW, walk

pytestmark = pytest.mark.django_db

LEASE = timedelta(minutes=5)


@pytest.fixture
def records() -> SyncRecordRepository:
    return DjangoSyncRecordRepository()


def _record(object_id: str = "pay-1", **overrides: object) -> SyncRecord:
    fields: dict[str, object] = {
        "kind": SyncKind.JOURNAL_ENTRY,
        "object_id": object_id,
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=30),
        "status": SyncStatus.FAILED,
        "attempts": 3,
        "last_error": "SAP said 503\nretry later",
        "sap_id": "1000/100000123/2026",
        "synced_at": NOW + timedelta(seconds=20),
        "payload": {"amount": "1500.00", "lines": [{"gl": "110000", "debit": 150000}]},
        "livemode": False,
    }
    fields.update(overrides)
    return SyncRecord(**fields)  # type: ignore[arg-type]


def test_a_record_round_trips_every_field(records):
    record = _record()
    assert records.add_if_absent(record)
    assert records.get(SyncKind.JOURNAL_ENTRY, "pay-1") == record


def test_one_record_per_kind_and_object(records):
    assert records.add_if_absent(_record())
    assert not records.add_if_absent(_record(attempts=9, payload={}))
    assert records.add_if_absent(_record(kind=SyncKind.JOURNAL_REVERSAL))
    found = records.get(SyncKind.JOURNAL_ENTRY, "pay-1")
    assert found is not None
    assert found.attempts == 3
    assert SyncRow.objects.count() == 2  # the refused insert left the transaction usable


def test_an_unknown_record_is_none(records):
    ErpSyncRecordFactory(kind="business_partner", object_id="d-1")
    assert records.get(SyncKind.JOURNAL_ENTRY, "d-1") is None
    assert records.get(SyncKind.BUSINESS_PARTNER, "d-2") is None


def test_a_claim_is_exclusive_until_saved_or_expired(records):
    records.add_if_absent(_record())
    claimed = records.claim(SyncKind.JOURNAL_ENTRY, "pay-1", now=NOW, lease=LEASE)
    assert claimed == _record()
    assert records.claim(SyncKind.JOURNAL_ENTRY, "pay-1", now=NOW + timedelta(minutes=1), lease=LEASE) is None
    # A worker that died: its lease runs out and another takes over.
    assert records.claim(SyncKind.JOURNAL_ENTRY, "pay-1", now=NOW + LEASE + timedelta(seconds=1), lease=LEASE)
    # Saving while keeping the claim leaves it held; a plain save lets it go.
    records.save(_record(attempts=4), keep_claim=True)
    assert records.claim(SyncKind.JOURNAL_ENTRY, "pay-1", now=NOW + LEASE + timedelta(seconds=2), lease=LEASE) is None
    records.save(_record(attempts=5))
    again = records.claim(SyncKind.JOURNAL_ENTRY, "pay-1", now=NOW + LEASE + timedelta(seconds=3), lease=LEASE)
    assert again is not None
    assert again.attempts == 5
    assert records.claim(SyncKind.JOURNAL_ENTRY, "missing", now=NOW, lease=LEASE) is None


@pytest.mark.postgres  # threads writing at once: SQLite would serialise them or lock up
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_one_winner(records):
    records.add_if_absent(_record())
    results = run_concurrently(lambda _: records.claim(SyncKind.JOURNAL_ENTRY, "pay-1", now=NOW, lease=LEASE), 4)
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r is not None for r in results) == 1


def test_save_writes_the_outcome(records):
    records.add_if_absent(_record(status=SyncStatus.PENDING, attempts=0, sap_id="", synced_at=None, last_error=""))
    synced = _record(status=SyncStatus.SYNCED, attempts=1, last_error="", livemode=True, payload={"done": True})
    records.save(synced)
    assert records.get(SyncKind.JOURNAL_ENTRY, "pay-1") == synced


def test_for_objects_answers_only_known_objects_of_the_kind(records):
    for object_id in ("a", "b"):
        records.add_if_absent(_record(object_id))
    records.add_if_absent(_record("c", kind=SyncKind.BUSINESS_PARTNER))
    found = records.for_objects(SyncKind.JOURNAL_ENTRY, ["a", "c", "zz"])
    assert found == {"a": _record("a")}
    assert records.for_objects(SyncKind.JOURNAL_ENTRY, []) == {}


def test_records_page_newest_first_and_filter(records):
    rows = [
        ErpSyncRecordFactory(
            kind="journal_entry", status="failed" if n % 2 else "synced", created_at=NOW + timedelta(seconds=n // 2)
        )
        for n in range(5)
    ]
    ErpSyncRecordFactory(kind="business_partner", status="failed")
    pages = walk(lambda page: records.list(SyncFilter(kind=SyncKind.JOURNAL_ENTRY), page), limit=2)
    expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    assert [r.object_id for page in pages for r in page] == [r.object_id for r in expected]
    failed = records.list(SyncFilter(kind=SyncKind.JOURNAL_ENTRY, status=SyncStatus.FAILED), PageRequest()).items
    assert {r.object_id for r in failed} == {r.object_id for r in rows if r.status == "failed"}
    bad = encode_cursor(CursorPosition(created_at=NOW, id="7"))
    with pytest.raises(InvalidInput):
        records.list(SyncFilter(), PageRequest.build(limit=2, cursor=bad))


def test_iterate_walks_one_kind_oldest_first(records):
    for n in (2, 0, 1):
        records.add_if_absent(_record(f"p{n}", created_at=NOW + timedelta(minutes=n)))
    records.add_if_absent(_record("bp", kind=SyncKind.BUSINESS_PARTNER))
    assert [r.object_id for r in records.iterate(SyncKind.JOURNAL_ENTRY)] == ["p0", "p1", "p2"]
    assert list(records.iterate(SyncKind.BUSINESS_PARTNER)) == [_record("bp", kind=SyncKind.BUSINESS_PARTNER)]
