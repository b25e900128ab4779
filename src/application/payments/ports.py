"""Ports of the payments context: repositories, the gateway port every processor implements, stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.payments.alert import Alert
from domain.payments.order import Order, OrderStatus
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.payments.refund import Refund
from domain.shared.events import DomainEvent
from domain.shared.money import Money

# --- repositories ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderFilter:
    seller_id: str | None = None
    buyer_id: str | None = None
    status: OrderStatus | None = None
    kind: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    seller_id: str | None = None
    buyer_id: str | None = None
    order_id: str | None = None
    status: PaymentStatus | None = None
    method: PaymentMethod | None = None
    distributor_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefundFilter:
    seller_id: str | None = None
    payment_id: str | None = None


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...

    def add_if_absent(self, order: Order) -> tuple[Order, bool]:
        """Adds the order unless one with its id exists: (the stored order, whether it was added)."""
        ...

    def get(self, order_id: str) -> Order | None: ...

    def get_for_update(self, order_id: str) -> Order | None:
        """Locks the row until the unit of work ends: concurrent payers of one order queue here."""
        ...

    def hold_as_known(self, order: Order) -> bool:
        """Takes ``order``, as this process last read or wrote it, as its row's current state in the open unit of
        work without reading the row again: the row is locked and checked to be that version as the unit's
        writes go out, and if it changed the unit writes nothing and raises ``RowChanged``. False when that
        is not possible (the version is not known, or was taken already): read it under lock instead."""
        ...

    def save(self, order: Order) -> None: ...

    def list(self, filters: OrderFilter, page: PageRequest) -> Page[Order]: ...

    def expired_open_ids(self, *, now: datetime, kind: str, limit: int) -> Sequence[str]: ...


class PaymentRepository(Protocol):
    def add(self, payment: Payment, *, buyer_id: str | None = None) -> None: ...

    def add_unless_start_awaited(self, payment: Payment, *, buyer_id: str | None = None) -> bool:
        """Adds a new payment unless another payment of its order awaits its start answer
        (``Payment.awaits_start_answer``): False then, and nothing is added. Atomic under the order's lock."""
        ...

    def add_if_order_unchanged(self, payment: Payment, order: Order) -> bool:
        """Adds a new payment of ``order``, read without a lock, in one atomic step: only if the order still
        holds what was read (status, amount, expiry, parties) and no payment of it awaits its start answer.
        False means nothing was added, for any reason; no transaction may be open around it."""
        ...

    def get(self, payment_id: str) -> Payment | None: ...

    def get_for_update(self, payment_id: str) -> Payment | None: ...

    def hold_as_known(self, payment: Payment) -> bool:
        """Takes ``payment``, as this process last read or wrote it, as its row's current state in the open unit of
        work without reading the row again: the row is locked and checked to be that version as the unit's
        writes go out, and if it changed the unit writes nothing and raises ``RowChanged``. False when that
        is not possible (the version is not known, or was taken already): read it under lock instead."""
        ...

    def save(self, payment: Payment) -> None: ...

    def list(self, filters: PaymentFilter, page: PageRequest) -> Page[Payment]: ...

    def find_by_gateway_reference(self, method: PaymentMethod, reference: str) -> Payment | None: ...

    def due_for_check(self, *, now: datetime, limit: int) -> Sequence[str]:
        """Payments whose ``next_check_at`` has come: unanswered intents and unsettled checkouts."""
        ...


class RefundRepository(Protocol):
    def add(self, refund: Refund) -> None: ...

    def get(self, refund_id: str) -> Refund | None: ...

    def get_for_update(self, refund_id: str) -> Refund | None: ...

    def save(self, refund: Refund) -> None: ...

    def requested_ids(self, *, older_than: datetime, limit: int) -> Sequence[str]: ...

    def list(self, filters: RefundFilter, page: PageRequest) -> Page[Refund]: ...


class StatsRecorder(Protocol):
    """Keeps per-merchant daily counters in step with the business change (same transaction)."""

    def record(self, *, seller_id: str, day: date, currency: str, **deltas: int) -> None: ...


class AlertRepository(Protocol):
    """Money that needs an admin's eyes (returned captures, failed refunds, mismatches)."""

    def add(self, alert: Alert) -> None: ...

    def list(self, filters: AlertFilter, page: PageRequest) -> Page[Alert]: ...


@dataclass(frozen=True, slots=True)
class AlertFilter:
    code: str | None = None
    payment_id: str | None = None


class PaymentsUnitOfWork(UnitOfWork, Protocol):
    orders: OrderRepository
    payments: PaymentRepository
    refunds: RefundRepository
    stats: StatsRecorder
    alerts: AlertRepository


class EventPublisher(Protocol):
    def __call__(self, outbox: Any, events: list[DomainEvent], *, owner_id: str) -> Any: ...


class CardFingerprinter(Protocol):
    def fingerprint(self, digits: str) -> str: ...


# --- the gateway port -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardInput:
    """Card data in transit only: handed to the gateway and dropped; never stored or logged."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvv: str = field(repr=False)
    holder: str = ""


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str = ""
    phone: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class GatewayRequest:
    payment_id: str
    order_id: str
    amount: Money
    capture: bool
    customer: Customer
    description: str = ""
    card: CardInput | None = None
    reference: str = ""
    return_url: str = ""
    notify_url: str = ""
    # When the hosted checkout stops taking payments (the provider order's expiry).
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GatewayResult:
    """What a processor said, in our words. ``status``: authorized, captured, pending or failed."""

    status: str
    reference: str = ""
    redirect_url: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    failure_code: str = ""
    failure_message: str = ""
    retryable: bool = False
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class RefundRequest:
    refund_id: str
    payment_id: str
    order_id: str
    gateway_reference: str
    amount: Money
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RefundResult:
    """``status``: succeeded, pending or failed."""

    status: str
    reference: str = ""
    failure_message: str = ""


class PaymentGateway(Protocol):
    """Every call is made outside any database transaction, with our intent's id as the provider's
    idempotency key (payment id for start/capture/cancel, refund id for refunds), so a repeat after a
    crash is the same operation at the provider, never a second one."""

    def start(self, request: GatewayRequest) -> GatewayResult: ...

    def capture(self, *, reference: str, amount: Money) -> GatewayResult: ...

    def cancel(self, *, payment_id: str, reference: str) -> GatewayResult:
        """Stop a checkout or void an authorisation. ``status``: cancelled, failed (it could not be
        cancelled, e.g. already paid), or unsupported (the provider has no such call)."""
        ...

    def refund(self, request: RefundRequest) -> RefundResult: ...

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        """Asks the processor where a pending payment stands (reconciliation)."""
        ...
