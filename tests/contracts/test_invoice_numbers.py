"""The ``InvoiceNumbers`` port (application/shared/invoice_numbers.py): gap-free per series and month."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from application.shared.invoice_numbers import InvoiceNumbers
from domain.catalog.invoice import INVOICE_SERIES as MARKETPLACE
from domain.earnings.invoice import INVOICE_SERIES as EARNINGS
from domain.shared.errors import InvalidValue
from tests.fakes.invoice_numbers import MemoryInvoiceNumbers


def _django() -> InvoiceNumbers:
    from adapters.django_orm.catalog.models import InvoiceSequence
    from adapters.django_orm.earnings.models import InvoiceCounter
    from adapters.django_orm.shared.sequences import DjangoInvoiceNumbers

    return DjangoInvoiceNumbers({EARNINGS: InvoiceCounter, MARKETPLACE: InvoiceSequence})


@pytest.fixture(
    params=[
        pytest.param(MemoryInvoiceNumbers, id="memory"),
        pytest.param(_django, id="django", marks=pytest.mark.django_db),
    ]
)
def numbers(request: pytest.FixtureRequest) -> InvoiceNumbers:
    make: Callable[[], InvoiceNumbers] = request.param
    return make()


def test_each_month_counts_from_one_without_gaps(numbers: InvoiceNumbers) -> None:
    assert [numbers.next_number(EARNINGS, "202601") for _ in range(3)] == [
        "INV-202601-0001",
        "INV-202601-0002",
        "INV-202601-0003",
    ]
    assert numbers.next_number(EARNINGS, "202602") == "INV-202602-0001"
    assert numbers.next_number(EARNINGS, "202601") == "INV-202601-0004"


def test_each_series_counts_on_its_own_in_its_own_format(numbers: InvoiceNumbers) -> None:
    numbers.next_number(EARNINGS, "202603")
    assert [numbers.next_number(MARKETPLACE, "202603") for _ in range(2)] == ["MKT-202603-00001", "MKT-202603-00002"]
    assert numbers.next_number(EARNINGS, "202603") == "INV-202603-0002"


@pytest.mark.parametrize("period", ["2026-01", "20261", ""])
def test_a_period_that_is_not_yyyymm_is_refused(numbers: InvoiceNumbers, period: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        numbers.next_number(EARNINGS, period)
    assert refused.value.code == "invalid_period"
