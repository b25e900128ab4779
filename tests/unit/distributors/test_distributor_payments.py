"""Distributor payments on fakes: the order-then-payment orchestration and the journal requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

import pytest

from application.distributors.handlers import register
from application.distributors.payments import COMPANY_SELLER_ID, RecordPayment
from application.distributors.services import DistributorsServices
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.events import StoredEvent
from application.shared.outbox import Attempt, handler_call
from application.shared.subscriptions import Subscriptions
from domain.distributors.distributor import Distributor
from domain.identity.user import Principal, Role
from domain.shared.money import Money
from tests.distributor_data import distributor_body
from tests.unit.erp.fakes import FixedClock, MemoryOutbox

NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
ADMIN = Principal(user_id="admin-1", role=Role.ADMIN)
LOGIN = "user-1"


class MemoryDistributors:
    def __init__(self) -> None:
        self.rows: dict[str, Distributor] = {}

    def get(self, distributor_id: str) -> Distributor | None:
        return self.rows.get(distributor_id)


@dataclass
class Made:
    id: str


@dataclass
class RecordingPayments:
    refuse_payment: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def payment_method_check(self, *, method: str, bank_reference: str | None) -> None:
        self.calls.append(("payment_method_check", {"method": method, "bank_reference": bank_reference}))
        if method == "unknown":
            raise InvalidInput("no such method", field="method")

    def order_create(self, *, seller_id: str, command: Any) -> Made:
        self.calls.append(("order_create", {"seller_id": seller_id, "command": command}))
        return Made("order-1")

    def payment_create(self, *, principal: Principal, command: Any) -> Made:
        self.calls.append(("payment_create", {"principal": principal, "command": command}))
        if self.refuse_payment:
            raise InvalidInput("the provider refused", field="method")
        return Made("payment-1")

    def order_cancel(self, *, principal: Principal, order_id: str) -> Made:
        self.calls.append(("order_cancel", {"principal": principal, "order_id": order_id}))
        return Made(order_id)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@dataclass
class RecordingErp:
    requested: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def business_partner_sync_requested(self, *, distributor_id: str, outbox: Any) -> None:
        self.requested.append(("business_partner", {"distributor_id": distributor_id}))

    def journal_entry_requested(self, *, outbox: Any, **request: Any) -> None:
        self.requested.append(("journal_entry", request))

    def journal_reversal_requested(self, *, outbox: Any, **request: Any) -> None:
        self.requested.append(("journal_reversal", request))


class OutboxOnlyUnitOfWork:
    def __init__(self) -> None:
        self.outbox = MemoryOutbox()
        self.committed = 0

    def __enter__(self) -> OutboxOnlyUnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: Any, tb: TracebackType | None) -> None:
        self.committed += exc_type is None


@dataclass
class Events:
    found: dict[str, StoredEvent] = field(default_factory=dict)

    def get(self, event_id: str) -> StoredEvent | None:
        return self.found.get(event_id)


@pytest.fixture
def distributors() -> MemoryDistributors:
    return MemoryDistributors()


@pytest.fixture
def services(distributors: MemoryDistributors) -> DistributorsServices:
    unit = OutboxOnlyUnitOfWork()
    return DistributorsServices(
        uow=lambda: unit,  # type: ignore[arg-type,return-value]
        distributors=distributors,  # type: ignore[arg-type]
        history=None,  # type: ignore[arg-type]
        users=None,  # type: ignore[arg-type]
        erp_requests=RecordingErp(),
        erp_states=None,  # type: ignore[arg-type]
        payments=RecordingPayments(),  # type: ignore[arg-type]
        events=Events(),
        clock=FixedClock(),
        live_deployment=False,
    )


def _distributor(distributors: MemoryDistributors, *, active: bool = True) -> Distributor:
    distributor = Distributor.onboard(
        distributor_id="d-1", values=distributor_body(), user_id=LOGIN, by=ADMIN.user_id, now=NOW
    )
    if active:
        distributor.approve(by=ADMIN.user_id, now=NOW)
    distributors.rows[distributor.id] = distributor
    return distributor


def _record(services: DistributorsServices, *, method: str = "bank_transfer", key: str | None = "k") -> Any:
    command = RecordPayment(amount="100.00", currency="INR", method=method, reference="UTR1", intent_key=key)
    return services.distributor_payment_record(principal=ADMIN, distributor_id="d-1", command=command)


def test_an_order_owed_to_the_company_then_its_payment(services, distributors):
    distributor = _distributor(distributors)
    order, payment = _record(services)
    assert (order.id, payment.id) == ("order-1", "payment-1")
    payments = services.payments
    assert payments.names() == ["payment_method_check", "order_create", "payment_create"]
    made = payments.calls[1][1]
    assert made["seller_id"] == COMPANY_SELLER_ID
    assert (made["command"].buyer_id, made["command"].metadata) == (LOGIN, {"distributor_id": distributor.id})
    assert made["command"].intent_key == "k|order"
    assert payments.calls[2][1]["command"].intent_key == "k|payment"


def test_a_refused_payment_cancels_its_order_as_the_company(services, distributors):
    _distributor(distributors)
    services.payments.refuse_payment = True
    with pytest.raises(InvalidInput):
        _record(services)
    name, cancel = services.payments.calls[-1]
    assert (name, cancel["order_id"], cancel["principal"].user_id) == ("order_cancel", "order-1", COMPANY_SELLER_ID)


def test_nothing_is_created_for_an_inactive_distributor_or_a_bad_method(services, distributors):
    _distributor(distributors, active=False)
    with pytest.raises(Conflict):
        _record(services)
    _distributor(distributors)
    with pytest.raises(InvalidInput):
        _record(services, method="unknown")
    assert "order_create" not in services.payments.names()


def test_another_distributors_payment_is_not_found(services, distributors):
    _distributor(distributors)
    stranger = Principal(user_id="user-2", role=Role.DISTRIBUTOR)
    with pytest.raises(NotFound):
        services.distributor_payment_record(
            principal=stranger,
            distributor_id="d-1",
            command=RecordPayment(amount="1.00", currency="INR", method="bank_transfer", reference=None),
        )


def _event(event_id: str, type_: str, data: dict[str, Any]) -> StoredEvent:
    return StoredEvent(id=event_id, type=type_, owner_id="company", data=data, created_at=NOW)


def _captured(*, kind: str = "distributor", livemode: bool = True) -> dict[str, Any]:
    return {
        "object": {
            "id": "payment-1",
            "amount_captured": "2500.00",
            "currency": "INR",
            "livemode": livemode,
            "updated_at": "2026-04-02T09:00:00Z",
        },
        "order": {"kind": kind, "metadata": {"distributor_id": "d-1"}},
    }


def _deliver(services: DistributorsServices, topic: str, event_id: str) -> None:
    subscriptions = Subscriptions()
    register(subscriptions, services)
    handler = subscriptions.handler(topic)
    assert handler is not None
    handler_call(handler, {"event_id": event_id}, Attempt(1, 5))


def test_a_captured_distributor_payment_requests_its_journal_entry_once_per_event(services):
    services.events.found["e1"] = _event("e1", "payment.captured", _captured())
    services.events.found["e2"] = _event("e2", "payment.captured", _captured(kind="merchant"))
    _deliver(services, "event.erp_journal", "e1")
    _deliver(services, "event.erp_journal", "e2")
    _deliver(services, "event.erp_journal", "missing")
    assert services.erp_requests.requested == [
        (
            "journal_entry",
            {
                "payment_id": "payment-1",
                "distributor_id": "d-1",
                "amount": Money.parse("2500.00", "INR"),
                "posted_on": date(2026, 4, 2),
            },
        )
    ]


def test_a_live_deployment_books_no_sandbox_money(services):
    services.live_deployment = True
    services.events.found["e1"] = _event("e1", "payment.captured", _captured(livemode=False))
    _deliver(services, "event.erp_journal", "e1")
    assert services.erp_requests.requested == []


def test_a_succeeded_refund_requests_a_reversal_but_a_return_does_not(services):
    refund = {"id": "refund-1", "payment_id": "payment-1", "amount": "500.00", "currency": "INR", "kind": "refund"}
    order = {"kind": "distributor", "metadata": {"distributor_id": "d-1"}}
    services.events.found["r1"] = _event("r1", "refund.succeeded", {"object": refund, "order": order})
    returned = dict(refund, id="refund-2", kind="return")
    services.events.found["r2"] = _event("r2", "refund.succeeded", {"object": returned, "order": order})
    _deliver(services, "event.erp_journal_reversal", "r1")
    _deliver(services, "event.erp_journal_reversal", "r2")
    assert [(kind, request["refund_id"], request["amount"]) for kind, request in services.erp_requests.requested] == [
        ("journal_reversal", "refund-1", Money.parse("500.00", "INR"))
    ]
