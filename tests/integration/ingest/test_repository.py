"""The Django transaction repository on the real database (SQLite locally, PostgreSQL in CI): what only
the adapter promises (statement cost, exact amounts). The port's behaviour, shared with the fake, is in
tests/contracts/test_transaction_repository.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.ingest.repository import DjangoTransactionRepository
from domain.ingest.transaction import Transaction
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
