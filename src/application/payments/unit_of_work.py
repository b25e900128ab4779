"""Payments' units of work publish what their orders, payments and refunds emitted as they commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from application.payments.ports import EventPublisher, PaymentsUnitOfWork
from application.payments.publishing import payments_news
from application.shared import publishing_unit_of_work

U = TypeVar("U", bound=PaymentsUnitOfWork)

# The repositories whose aggregates emit events.
REMEMBERED = ("orders", "payments", "refunds")


def publishing(new_unit: Callable[[], U], publish: Callable[[], EventPublisher]) -> Callable[[], U]:
    """Any context's unit-of-work factory that holds the payments repositories (marketplace's too)."""
    return publishing_unit_of_work.publishing(new_unit, remember=REMEMBERED, news=payments_news, publish=publish)
