"""The Django transaction repository on the real database (SQLite locally, PostgreSQL in CI)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.ingest.repository import DjangoTransactionRepository
from application.ingest.ports import TransactionFilter
from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, PageRequest, encode_cursor
from domain.ingest.transaction import Transaction, TransactionStatus
from domain.shared.money import Money

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


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


@pytest.fixture
def repo() -> DjangoTransactionRepository:
    return DjangoTransactionRepository()


def test_add_if_absent_stores_once_and_returns_the_first_version(repo):
    stored, created = repo.add_if_absent(_tx())
    assert created
    assert stored == _tx()

    again, created_again = repo.add_if_absent(_tx(amount="999.00", now=NOW + timedelta(hours=1)))
    assert not created_again
    assert again == _tx()
    assert IngestedTransaction.objects.count() == 1


def test_a_new_id_costs_one_statement_and_a_replay_two(repo, django_assert_num_queries):
    with django_assert_num_queries(1):
        repo.add_if_absent(_tx())
    with django_assert_num_queries(2):
        repo.add_if_absent(_tx())


@pytest.mark.parametrize(
    ("amount", "currency", "minor"), [("1500", "INR", 150000), ("1.234", "KWD", 1234), ("5", "JPY", 5)]
)
def test_amounts_round_trip_exactly(repo, amount, currency, minor):
    repo.add_if_absent(_tx(amount=amount, currency=currency))
    row = IngestedTransaction.objects.get()
    assert (row.amount_minor, row.currency) == (minor, currency)
    found = repo.get("txn_1")
    assert found is not None
    assert found.amount == Money(minor, currency)


def test_get_unknown_is_none(repo):
    assert repo.get("nope") is None


def test_state_changes_apply_only_while_processing(repo):
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


def test_failures_keep_the_reason(repo):
    tx, _ = repo.add_if_absent(_tx())
    tx.record_failure("timeout")
    assert repo.record_failure(tx)
    tx.mark_failed("declined", NOW + timedelta(minutes=1))
    assert repo.record_failure(tx)
    found = repo.get("txn_1")
    assert found is not None
    assert (found.status, found.last_error, found.processed_at) == (
        TransactionStatus.FAILED,
        "declined",
        NOW + timedelta(minutes=1),
    )


def test_pages_are_complete_and_stable_with_equal_timestamps(repo):
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


def test_filters(repo):
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


def test_a_cursor_naming_no_row_id_is_invalid_input(repo):
    bad = encode_cursor(CursorPosition(created_at=NOW, id="not-a-number"))
    with pytest.raises(InvalidInput) as error:
        repo.list(TransactionFilter(), PageRequest.build(limit=5, cursor=bad))
    assert error.value.code == "invalid_cursor"
