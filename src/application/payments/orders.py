"""Order use cases: what a buyer owes a seller."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from application.payments.access import visible_order
from application.payments.ports import OrderFilter, OrderRepository, PaymentFilter, PaymentsUnitOfWork
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal, Role
from domain.payments.limits import DEFAULT_LIMITS, AmountLimits
from domain.payments.order import Order, OrderKind, OrderStatus
from domain.payments.payment import PaymentStatus
from domain.shared.clock import Clock
from domain.shared.ids import intent_id
from domain.shared.money import Money

CANCELLABLE = {OrderStatus.CREATED, OrderStatus.FAILED}
MAX_ORDER_LIFETIME = timedelta(days=90)
# After an order is cancelled, each payment still open at a provider is cancelled there (outbox job).
CANCEL_AT_PROVIDER_TOPIC = "payments.cancel_at_provider"
OPEN_PAYMENT_STATUSES = (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)


@dataclass(frozen=True, slots=True)
class CreateOrder:
    amount: str
    currency: str = "INR"
    description: str = ""
    reference: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    buyer_id: str | None = None
    kind: OrderKind = OrderKind.MERCHANT
    expires_at: datetime | None = None
    # The caller's Idempotency-Key (scoped): a retry after a crash finds the order it created.
    intent_key: str | None = None


def order_create(
    *,
    uow: PaymentsUnitOfWork,
    seller_id: str,
    command: CreateOrder,
    clock: Clock,
    limits: AmountLimits = DEFAULT_LIMITS,
) -> Order:
    amount = limits.check(Money.parse(command.amount, command.currency))
    now = clock.now()
    if command.expires_at is not None and not now < command.expires_at <= now + MAX_ORDER_LIFETIME:
        raise InvalidInput(
            "expires_at must be in the future and within 90 days", code="invalid_expiry", field="expires_at"
        )
    order = Order.create(
        id=intent_id(command.intent_key),
        seller_id=seller_id,
        buyer_id=command.buyer_id,
        amount=amount,
        now=now,
        description=command.description,
        reference=command.reference,
        metadata=command.metadata,
        expires_at=command.expires_at,
        kind=command.kind,
    )
    with uow:
        if command.intent_key:
            # The id derives from the key: an earlier attempt (crashed, or its key released or purged)
            # may have created this order already; then that order is the answer, created once. The
            # insert itself decides, so a first attempt pays no read for it.
            stored, added = uow.orders.add_if_absent(order)
            if not added:
                return stored
        else:
            uow.orders.add(order)
        uow.stats.record(seller_id=seller_id, day=now.date(), currency=amount.currency, orders=1)
    return order


def order_get(*, orders: OrderRepository, principal: Principal, order_id: str) -> Order:
    return visible_order(principal, orders.get(order_id))


def orders_list(
    *, orders: OrderRepository, principal: Principal, filters: OrderFilter, page: PageRequest
) -> Page[Order]:
    if not principal.is_admin:
        # Sellers see what they sell, everyone else what they buy.
        if principal.role in {Role.MERCHANT, Role.VENDOR}:
            filters = replace(filters, seller_id=principal.user_id, buyer_id=None)
        else:
            filters = replace(filters, buyer_id=principal.user_id, seller_id=None)
    return orders.list(filters, page)


def order_cancel(*, uow: PaymentsUnitOfWork, principal: Principal, order_id: str, clock: Clock) -> Order:
    with uow:
        order = visible_order(principal, uow.orders.get_for_update(order_id))
        if not _may_cancel(principal, order):
            raise NotFound("No such order")
        if order.status not in CANCELLABLE:
            raise Conflict(f"An order that is {order.status.value} cannot be cancelled", code="order_not_cancellable")
        now = clock.now()
        order.cancel(now)
        uow.orders.save(order)
        uow.stats.record(seller_id=order.seller_id, day=now.date(), currency=order.amount.currency, cancelled=1)
        _cancel_open_payments(uow, str(order.id))
    return order


def _may_cancel(principal: Principal, order: Order) -> bool:
    """Sellers and admins cancel unpaid orders; a customer cancels its own unpaid marketplace order."""
    if principal.is_admin or principal.user_id == order.seller_id:
        return True
    return order.kind is OrderKind.MARKETPLACE and principal.user_id == order.buyer_id


def _cancel_open_payments(uow: PaymentsUnitOfWork, order_id: str) -> None:
    for status in OPEN_PAYMENT_STATUSES:
        for payment in uow.payments.list(PaymentFilter(order_id=order_id, status=status), PageRequest(limit=100)).items:
            uow.outbox.add(
                CANCEL_AT_PROVIDER_TOPIC,
                {"payment_id": str(payment.id)},
                dedupe_key=f"{CANCEL_AT_PROVIDER_TOPIC}:{payment.id}",
            )


def order_expire_if_abandoned(*, uow: PaymentsUnitOfWork, order_id: str, clock: Clock) -> bool:
    """Expires an unpaid order past ``expires_at`` unless a payment of it is still open (a late success
    must find the order payable, or it is returned)."""
    with uow:
        order = uow.orders.get_for_update(order_id)
        now = clock.now()
        if order is None or not order.is_payable() or not order.is_past_expiry(now):
            return False
        one = PageRequest(limit=1)
        if any(uow.payments.list(PaymentFilter(order_id=order_id, status=s), one).items for s in OPEN_PAYMENT_STATUSES):
            return False
        order.expire(now)
        uow.orders.save(order)
    return True
