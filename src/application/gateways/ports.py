"""Ports of the gateways context: the inbound event store, provider interpreters, payment effects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from application.payments.ports import GatewayResult, RefundResult
from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.gateways.inbound_event import InboundEvent, InboundSource, InboundStatus
from domain.shared.money import Money


class GatewayUnavailable(Exception):
    """A provider API we must ask before acting (e.g. SSLCommerz validation) did not answer; retry later."""


# --- what arrives and what it means -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboundCall:
    """A webhook or IPN as it arrived: the raw body bytes and the headers (names lower-cased)."""

    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Verification:
    """The provider-specific reading of a call, before anything is stored.

    ``actionable`` is False for authentic events we have no use for (unknown types): they are kept
    as ``ignored``. ``payment_id`` is our payment the event names (Cashfree order_id, SSLCommerz tran_id).
    """

    signature_valid: bool
    reason: str = ""
    event_type: str = ""
    dedupe_key: str = ""
    payment_id: str = ""
    actionable: bool = True
    kept_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExpectedPayment:
    payment_id: str
    amount: Money
    status: str


@dataclass(frozen=True, slots=True)
class RefundNews:
    refund_id: str
    status: str  # succeeded | failed | pending
    reference: str = ""
    message: str = ""
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class Interpretation:
    """What an authentic event asks of us.

    ``action``: ``settle`` (apply ``result`` to the payment), ``hold`` (keep it pending for an admin's
    risk review, ``review`` says why), ``refund`` (apply ``refund`` news), ``note`` (record, change
    nothing) or ``ignore``. ``alert`` is an admin-visible flag to put on the payment.
    """

    action: str
    outcome: str = ""
    result: GatewayResult | None = None
    review: dict[str, Any] = field(default_factory=dict)
    refund: RefundNews | None = None
    alert: dict[str, Any] | None = None
    reason: str = ""


class InboundInterpreter(Protocol):
    """One per provider: checks signatures and reads events; ``interpret`` may call the provider."""

    source: InboundSource

    def verify(self, call: InboundCall, *, now: datetime) -> Verification: ...

    def interpret(self, event: InboundEvent, expected: ExpectedPayment) -> Interpretation:
        """Raises GatewayUnavailable when the provider must be asked and cannot be reached."""
        ...


class RefundStatusSource(Protocol):
    def fetch_refund_status(self, *, refund_id: str, payment_id: str, reference: str) -> RefundResult: ...


# --- storage ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboundEventFilter:
    source: InboundSource | None = None
    status: InboundStatus | None = None
    signature_valid: bool | None = None
    payment_id: str | None = None


class InboundEventRepository(Protocol):
    def add(self, event: InboundEvent) -> None: ...

    def add_if_absent(self, event: InboundEvent) -> tuple[InboundEvent, bool]:
        """Stores the event unless (source, dedupe_key) is taken; returns the stored one and whether it is new."""
        ...

    def record_redelivery(self, event_id: str, *, now: datetime) -> None: ...

    def get(self, event_id: str) -> InboundEvent | None: ...

    def get_for_update(self, event_id: str) -> InboundEvent | None: ...

    def save(self, event: InboundEvent) -> None: ...

    def list(self, filters: InboundEventFilter, page: PageRequest) -> Page[InboundEvent]: ...


class GatewaysUnitOfWork(UnitOfWork, Protocol):
    inbound_events: InboundEventRepository


# --- effects on payments ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settled:
    status: str
    failure_code: str = ""
    returned: str = ""  # why money the provider took is being returned automatically ("" = it was not)


@dataclass(frozen=True, slots=True)
class PendingRefund:
    refund_id: str
    payment_id: str
    method: str
    reference: str


class PaymentEffects(Protocol):
    """What inbound events may do to payments. Each call runs the payments use case in its own unit of
    work, nested in the caller's transaction, so the event's status and its effect commit together."""

    def expected(self, payment_id: str) -> ExpectedPayment | None: ...

    def settle(self, payment_id: str, result: GatewayResult) -> Settled: ...

    def hold(self, payment_id: str, review: dict[str, Any]) -> Settled: ...

    def settle_refund(self, payment_id: str, news: RefundNews) -> str: ...

    def alert(self, payment_id: str, alert: dict[str, Any]) -> None: ...

    def pending_refunds(self, *, methods: Sequence[str], limit: int) -> Sequence[PendingRefund]: ...
