"""In-memory fakes of the payments ports: our own ports, so faking them is honest."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from application.payments.publishing import payments_news
from application.payments.unit_of_work import REMEMBERED
from application.shared.pagination import Page
from application.shared.publishing_unit_of_work import PublishingUnitOfWork
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from domain.shared.money import Money
from tests.fakes.outbox import MemoryOutbox


class FixedClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


class MemoryRepo:
    def __init__(self, orders: MemoryRepo | None = None) -> None:
        self.rows: dict[str, Any] = {}
        self.orders = orders

    def add(self, item: Any, **_: Any) -> None:
        self.save(item)  # like a row: what is stored holds no pending events

    def add_unless_start_awaited(self, item: Any, **_: Any) -> bool:
        if any(p.order_id == item.order_id and p.awaits_start_answer() for p in self.rows.values()):
            return False
        self.add(item)
        return True

    def add_if_order_unchanged(self, item: Any, order: Any) -> bool:
        # The orders' rows live in the unit's order repository (MemoryPaymentsUnit links it here).
        stored = self.orders.rows.get(str(order.id)) if self.orders is not None else None
        if stored is None or any(
            getattr(stored, name) != getattr(order, name)
            for name in ("status", "amount", "seller_id", "buyer_id", "expires_at")
        ):
            return False
        return self.add_unless_start_awaited(item)

    def hold_as_known(self, item: Any) -> bool:
        return False  # no row versions in memory: phase 3 reads under lock, as before

    def add_if_absent(self, item: Any) -> tuple[Any, bool]:
        if str(item.id) in self.rows:
            return self.get(str(item.id)), False
        self.add(item)
        return item, True

    def get(self, item_id: str) -> Any:
        found = self.rows.get(str(item_id))
        return copy.deepcopy(found) if found else None

    get_for_update = get

    def save(self, item: Any) -> None:
        item = copy.deepcopy(item)
        item.events = [] if hasattr(item, "events") else None
        self.rows[str(item.id)] = item

    def list(self, filters: Any, page: Any) -> Page[Any]:
        items = [copy.deepcopy(r) for r in self.rows.values()]
        for name in ("order_id", "payment_id"):
            wanted = getattr(filters, name, None)
            if wanted is not None:
                items = [r for r in items if str(getattr(r, name, "")) == str(wanted)]
        status = getattr(filters, "status", None)
        if status is not None:
            items = [r for r in items if r.status == status]
        return Page(items=items, next_cursor=None)

    def find_by_gateway_reference(self, method: Any, reference: str) -> Any:
        return next((p for p in self.rows.values() if p.gateway_reference == reference), None)

    def due_for_check(self, *, now: datetime, limit: int) -> list[str]:
        due = [p for p in self.rows.values() if p.next_check_at is not None and p.next_check_at <= now]
        return [str(p.id) for p in sorted(due, key=lambda p: p.next_check_at)][:limit]

    def requested_ids(self, *, older_than: datetime, limit: int) -> list[str]:
        return [k for k, r in self.rows.items() if r.is_requested and r.created_at < older_than][:limit]

    def expired_open_ids(self, *, now: datetime, kind: str, limit: int) -> list[str]:
        return [
            k
            for k, o in self.rows.items()
            if o.kind.value == kind and o.is_payable() and o.expires_at is not None and o.expires_at <= now
        ][:limit]


@dataclass
class MemoryStats:
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, *, seller_id: str, day: Any, currency: str, **deltas: int) -> None:
        for name, value in deltas.items():
            self.counters[name] += value


class MemoryAlerts:
    def __init__(self) -> None:
        self.rows: list[Any] = []

    def add(self, alert: Any) -> None:
        self.rows.append(alert)

    def list(self, filters: Any, page: Any) -> Page[Any]:
        return Page(items=list(self.rows), next_cursor=None)


class MemoryPaymentsUnit:
    """The payments repositories in memory, in one transaction that a rollback restores."""

    def __init__(self) -> None:
        self.orders = MemoryRepo()
        self.payments, self.refunds = MemoryRepo(orders=self.orders), MemoryRepo()
        self.stats, self.outbox, self.alerts = MemoryStats(), MemoryOutbox(), MemoryAlerts()
        self.committed = 0
        self.depth = 0  # > 0 while a transaction is open: gateways assert it is 0 when called

    def __enter__(self) -> MemoryPaymentsUnit:
        self._snapshot = copy.deepcopy((self.orders.rows, self.payments.rows, self.refunds.rows))
        self.depth += 1
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.depth -= 1
        if exc_type is not None:
            self.orders.rows, self.payments.rows, self.refunds.rows = self._snapshot
        else:
            self.committed += 1


class FakeUow(PublishingUnitOfWork):
    """The memory unit of work as the services use it: it publishes what its aggregates emitted at commit.

    ``publisher`` records what was published (pass it as the deps' ``publish`` to read it there).
    """

    def __init__(self, publisher: RecordingPublisher | None = None) -> None:
        self.publisher = publisher or RecordingPublisher()
        super().__init__(MemoryPaymentsUnit(), remember=REMEMBERED, news=payments_news, publish=self.publisher)


@dataclass
class ScriptedGateway:
    """A gateway that answers what the test scripted; records what it was asked."""

    start_result: GatewayResult = field(default_factory=lambda: GatewayResult(status="captured", reference="gw_1"))
    refund_result: RefundResult = field(default_factory=lambda: RefundResult(status="succeeded", reference="re_1"))
    status_result: GatewayResult = field(default_factory=lambda: GatewayResult(status="pending"))
    requests: list[Any] = field(default_factory=list)
    uow: Any = None  # when set, every call asserts no transaction of it is open

    def _outside(self) -> None:
        assert self.uow is None or self.uow.depth == 0, "provider called inside a transaction"

    def start(self, request: GatewayRequest) -> GatewayResult:
        self._outside()
        self.requests.append(request)
        return self.start_result

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        self._outside()
        return GatewayResult(status="captured", reference=reference)

    def cancel(self, *, payment_id: str, reference: str) -> GatewayResult:
        self._outside()
        self.requests.append(("cancel", payment_id))
        return GatewayResult(status="cancelled", reference=reference)

    def refund(self, request: RefundRequest) -> RefundResult:
        self._outside()
        self.requests.append(request)
        return self.refund_result

    def fetch_status(self, **_: Any) -> GatewayResult:
        self._outside()
        return self.status_result


class PlainFingerprinter:
    def fingerprint(self, digits: str) -> str:
        return "fp-" + digits[-4:]


@dataclass
class RecordingPublisher:
    published: list[Any] = field(default_factory=list)

    def __call__(self, outbox: Any, events: list[Any], *, owner_id: str) -> None:
        self.published.extend(events)


def stored(uow: FakeUow, item: Order | Payment | Refund) -> Any:
    return uow.orders.get(str(item.id)) or uow.payments.get(str(item.id)) or uow.refunds.get(str(item.id))
