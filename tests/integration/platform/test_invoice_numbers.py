"""What only the Django ``InvoiceNumbers`` promises (the port's contract: tests/contracts/test_invoice_numbers.py):
a rollback gives the number back, concurrent issuers never share one, and each series counts in its own table."""

from __future__ import annotations

import pytest
from django.db import transaction

from adapters.django_orm.catalog.models import InvoiceSequence
from adapters.django_orm.earnings.models import InvoiceCounter
from adapters.django_orm.shared.sequences import DjangoInvoiceNumbers
from domain.catalog.invoice import INVOICE_SERIES as MARKETPLACE
from domain.earnings.invoice import INVOICE_SERIES as EARNINGS
from domain.shared.invoice_series import InvoiceSeries
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers() -> DjangoInvoiceNumbers:
    return DjangoInvoiceNumbers({EARNINGS: InvoiceCounter, MARKETPLACE: InvoiceSequence})


class Abandoned(Exception):
    pass


def test_a_rolled_back_number_is_taken_again(numbers):
    taken: list[str] = []

    def issue_then_fail() -> None:
        with transaction.atomic():
            taken.append(numbers.next_number(EARNINGS, "202601"))
            raise Abandoned

    with pytest.raises(Abandoned):
        issue_then_fail()
    assert taken == ["INV-202601-0001"]
    assert numbers.next_number(EARNINGS, "202601") == "INV-202601-0001"


def test_each_series_keeps_the_table_it_has_always_counted_in(numbers):
    numbers.next_number(EARNINGS, "202601")
    numbers.next_number(MARKETPLACE, "202601")
    numbers.next_number(MARKETPLACE, "202601")
    assert InvoiceCounter.objects.get(pk="202601").last_number == 1
    assert InvoiceSequence.objects.get(pk="202601").last_number == 2


def test_a_series_without_a_table_is_refused(numbers):
    with pytest.raises(LookupError):
        numbers.next_number(InvoiceSeries(prefix="XYZ", digits=3), "202601")


@pytest.mark.postgres  # threads writing at once: SQLite would serialise them or lock up
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("series", [EARNINGS, MARKETPLACE], ids=["earnings", "marketplace"])
def test_concurrent_issuers_never_share_a_number(numbers, series):
    def take(_: int) -> str:
        with transaction.atomic():
            return numbers.next_number(series, "202603")

    taken = run_concurrently(take, 5)
    assert sorted(taken) == [series.number("202603", n) for n in range(1, 6)]
