"""In-memory fakes of the payments ports: our own ports, so faking them is honest."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from application.shared.pagination import Page
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from domain.shared.money import Money


class FixedClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


class MemoryRepo:
    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}

    def add(self, item: Any, **_: Any) -> None:
        self.rows[str(item.id)] = copy.deepcopy(item)

    def get(self, item_id: str) -> Any:
        found = self.rows.get(str(item_id))
        return copy.deepcopy(found) if found else None

    get_for_update = get

    def save(self, item: Any) -> None:
        item = copy.deepcopy(item)
        item.events = [] if hasattr(item, "events") else None
        self.rows[str(item.id)] = item

    def list(self, filters: Any, page: Any) -> Page[Any]:
        return Page(items=list(self.rows.values()), next_cursor=None)

    def find_by_gateway_reference(self, method: Any, reference: str) -> Any:
        return next((p for p in self.rows.values() if p.gateway_reference == reference), None)

    def pending_ids(self, **_: Any) -> list[str]:
        return [k for k, p in self.rows.items() if p.status.value == "pending"]


@dataclass
class MemoryOutbox:
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, topic: str, payload: dict[str, Any], **_: Any) -> None:
        self.messages.append((topic, payload))


@dataclass
class MemoryStats:
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, *, seller_id: str, day: Any, currency: str, **deltas: int) -> None:
        for name, value in deltas.items():
            self.counters[name] += value


class FakeUow:
    def __init__(self) -> None:
        self.orders, self.payments, self.refunds = MemoryRepo(), MemoryRepo(), MemoryRepo()
        self.stats, self.outbox = MemoryStats(), MemoryOutbox()
        self.committed = 0

    def __enter__(self) -> FakeUow:
        self._snapshot = copy.deepcopy((self.orders.rows, self.payments.rows, self.refunds.rows))
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.orders.rows, self.payments.rows, self.refunds.rows = self._snapshot
        else:
            self.committed += 1


@dataclass
class ScriptedGateway:
    """A gateway that answers what the test scripted; records what it was asked."""

    start_result: GatewayResult = field(default_factory=lambda: GatewayResult(status="captured", reference="gw_1"))
    refund_result: RefundResult = field(default_factory=lambda: RefundResult(status="succeeded", reference="re_1"))
    requests: list[Any] = field(default_factory=list)

    def start(self, request: GatewayRequest) -> GatewayResult:
        self.requests.append(request)
        return self.start_result

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="captured", reference=reference)

    def refund(self, request: RefundRequest) -> RefundResult:
        self.requests.append(request)
        return self.refund_result

    def fetch_status(self, **_: Any) -> GatewayResult:
        return GatewayResult(status="pending")


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
