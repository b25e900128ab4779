"""The guard every payment gateway sits behind: a provider call inside a transaction is a bug, loudly."""

from __future__ import annotations

import pytest
from django.db import transaction

from adapters.gateways.outside_transactions import OutsideTransactions, ProviderCallInTransaction


class Provider:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def refund(self, amount: int) -> str:
        self.calls.append(amount)
        return "accepted"


@pytest.mark.django_db(transaction=True)
def test_a_provider_call_inside_a_transaction_raises_and_reaches_no_provider():
    provider = Provider()
    guarded = OutsideTransactions(provider, name="fake_gateway")
    assert guarded.refund(1) == "accepted"
    with transaction.atomic(), pytest.raises(ProviderCallInTransaction, match=r"fake_gateway\.refund"):
        guarded.refund(2)
    assert provider.calls == [1]


@pytest.mark.django_db
def test_the_test_cases_own_transaction_does_not_count():
    provider = Provider()
    assert OutsideTransactions(provider, name="fake_gateway").refund(3) == "accepted"
    with transaction.atomic(), pytest.raises(ProviderCallInTransaction):
        OutsideTransactions(provider, name="fake_gateway").refund(4)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_transaction_open_on_the_server_outside_any_block_counts_too():
    """psycopg in autocommit with a BEGIN of our own still open (what begin_with_first_statement sends, if
    a block ever left it open): the guard asks the server, not only Django's blocks."""
    from django.db import connection

    provider = Provider()
    connection.ensure_connection()
    driver = connection.connection
    assert driver.autocommit
    driver.execute("BEGIN")
    try:
        with pytest.raises(ProviderCallInTransaction):
            OutsideTransactions(provider, name="fake_gateway").refund(5)
    finally:
        driver.execute("ROLLBACK")
    assert OutsideTransactions(provider, name="fake_gateway").refund(6) == "accepted"
    assert provider.calls == [6]


def test_every_registered_payment_gateway_is_guarded(settings):
    from entrypoints import bootstrap

    gateways = bootstrap.container().payments.gateways
    assert gateways
    assert all(isinstance(gateway, OutsideTransactions) for gateway in gateways.values())
