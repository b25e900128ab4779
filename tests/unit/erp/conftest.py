"""Every ERP use-case test starts from an empty in-memory unit of work and a fixed clock."""

from __future__ import annotations

import pytest

from tests.unit.erp.fakes import FakeUnitOfWork, FixedClock


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()
