"""The ingest ``TransactionRepository`` port: store once, change only while processing, page newest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from application.ingest.ports import TransactionFilter, TransactionRepository
from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, PageRequest, encode_cursor
from domain.ingest.transaction import Transaction, TransactionStatus
from domain.shared.money import Money
from tests.unit.ingest.fakes import MemoryTransactionRepository

NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def _django() -> TransactionRepository:
    from adapters.django_orm.ingest.repository import DjangoTransactionRepository

    return DjangoTransactionRepository()


IMPLEMENTATIONS: list[object] = [
    pytest.param(MemoryTransactionRepository, id="memory"),
    pytest.param(_django, id="django", marks=pytest.mark.django_db),
]


@pytest.fixture(params=IMPLEMENTATIONS)
def repo(request: pytest.FixtureRequest) -> TransactionRepository:
    make: Callable[[], TransactionRepository] = request.param
    return make()


def _tx(
    transaction_id: str = "txn_1", amount: str = "150.50", currency: str = "USD", now: datetime = NOW
) -> Transaction:
    return Transaction.receive(
        transaction_id=transaction_id,
        source_account="acc_user_789",
        destination_account="acc_merchant_456",
        amount=Money.parse(amount, currency),
        now=now,
    )


def test_an_id_is_stored_once_and_the_first_version_wins(repo: TransactionRepository) -> None:
    stored, created = repo.add_if_absent(_tx())
    assert created
    assert stored == _tx()
    again, created_again = repo.add_if_absent(_tx(amount="999.00", now=NOW + timedelta(hours=1)))
    assert not created_again
    assert again == _tx()
    assert repo.get("txn_1") == _tx()


def test_an_unknown_id_is_none(repo: TransactionRepository) -> None:
    assert repo.get("nope") is None


def test_state_changes_apply_only_while_processing(repo: TransactionRepository) -> None:
    tx, _ = repo.add_if_absent(_tx())
    tx.start_attempt()
    assert repo.start_attempt(tx)
    tx.mark_processed(NOW + timedelta(seconds=30))
    assert repo.mark_processed(tx)

    late = replace(tx, status=TransactionStatus.PROCESSING)
    late.mark_failed("too late", NOW + timedelta(minutes=5))
    assert not repo.record_failure(late)
    assert not repo.mark_processed(tx)
    assert not repo.start_attempt(tx)

    found = repo.get("txn_1")
    assert found is not None
    assert (found.status, found.processed_at, found.attempts, found.last_error) == (
        TransactionStatus.PROCESSED,
        NOW + timedelta(seconds=30),
        1,
        "",
    )


def test_a_failure_keeps_its_reason_and_the_last_one_ends_the_transaction(repo: TransactionRepository) -> None:
    tx, _ = repo.add_if_absent(_tx())
    tx.record_failure("timeout")
    assert repo.record_failure(tx)
    found = repo.get("txn_1")
    assert found is not None
    assert (found.status, found.last_error) == (TransactionStatus.PROCESSING, "timeout")

    tx.mark_failed("declined", NOW + timedelta(minutes=1))
    assert repo.record_failure(tx)
    found = repo.get("txn_1")
    assert found is not None
    assert (found.status, found.last_error, found.processed_at) == (
        TransactionStatus.FAILED,
        "declined",
        NOW + timedelta(minutes=1),
    )


def test_pages_are_newest_first_complete_and_stable_with_equal_timestamps(repo: TransactionRepository) -> None:
    for n in range(7):
        repo.add_if_absent(_tx(f"t{n}", now=NOW if n < 5 else NOW + timedelta(seconds=n)))
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = repo.list(TransactionFilter(), PageRequest.build(limit=2, cursor=cursor))
        seen += [t.transaction_id for t in page.items]
        # A newer transaction arriving mid-way never shifts the pages already handed out.
        repo.add_if_absent(_tx(f"late{len(seen)}", now=NOW + timedelta(hours=1)))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen[:2] == ["t6", "t5"]
    assert sorted(seen) == sorted(f"t{n}" for n in range(7))
    assert len(seen) == 7


def test_a_full_last_page_has_no_next_cursor(repo: TransactionRepository) -> None:
    for n in range(2):
        repo.add_if_absent(_tx(f"t{n}", now=NOW + timedelta(seconds=n)))
    page = repo.list(TransactionFilter(), PageRequest.build(limit=2, cursor=None))
    assert [t.transaction_id for t in page.items] == ["t1", "t0"]
    assert page.next_cursor is None


def test_filters(repo: TransactionRepository) -> None:
    repo.add_if_absent(_tx("a", currency="INR", now=NOW))
    repo.add_if_absent(_tx("b", currency="USD", now=NOW + timedelta(days=1)))
    done, _ = repo.add_if_absent(_tx("c", currency="USD", now=NOW + timedelta(days=2)))
    done.mark_processed(NOW + timedelta(days=2))
    repo.mark_processed(done)

    def ids(**filters: object) -> list[str]:
        return [t.transaction_id for t in repo.list(TransactionFilter(**filters), PageRequest()).items]  # type: ignore[arg-type]

    assert ids() == ["c", "b", "a"]
    assert ids(status=TransactionStatus.PROCESSED) == ["c"]
    assert ids(status=TransactionStatus.PROCESSING, currency="USD") == ["b"]
    assert ids(created_after=NOW + timedelta(days=1)) == ["c", "b"]
    assert ids(created_before=NOW + timedelta(days=1)) == ["a"]
    assert ids(created_after=NOW + timedelta(days=1), created_before=NOW + timedelta(days=2)) == ["b"]


@pytest.mark.parametrize("row_id", ["not-a-number", "0", str(2**63)])
def test_a_cursor_naming_no_possible_row_is_invalid_input(repo: TransactionRepository, row_id: str) -> None:
    bad = encode_cursor(CursorPosition(created_at=NOW, id=row_id))
    with pytest.raises(InvalidInput) as error:
        repo.list(TransactionFilter(), PageRequest.build(limit=5, cursor=bad))
    assert error.value.code == "invalid_cursor"
