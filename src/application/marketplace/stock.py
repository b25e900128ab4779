"""What happens to reserved stock when payments and orders move.

Each reaction locks the reservation row first, then the order, in that order everywhere, and is
idempotent: subscribers may see an event twice, and the order endpoint applies the immediate
outcome of a card payment itself before the event arrives.

- captured: the reservation is consumed and the order moves ``paid -> processing`` (stock is
  secured, the vendor can start work), and the invoice job is queued. If the reservation had
  already been released (the payment arrived after expiry), the stock is taken again; when there
  is none left, the payment is refunded through the payments context. Never oversold.
- failed: the stock goes back unless another payment attempt for the order is still in flight.
- cancelled: the stock goes back.
- expiry (periodic): stock of reservations past their expiry goes back, and the order expires
  unless a payment is still in flight (a late success must find the order payable to be refunded
  or re-reserved instead of being lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.marketplace.ports import MarketplaceDeps, MarketplaceUnitOfWork
from application.payments.ports import PaymentFilter
from application.payments.refunds import CreateRefund, refund_create
from application.shared.pagination import PageRequest
from domain.catalog.reservation import LatePayment, ReleaseReason, Reservation, ReservationStatus
from domain.identity.user import Principal, Role
from domain.payments.order import Order, OrderStatus
from domain.payments.payment import REFUNDABLE_STATUSES, PaymentStatus

INVOICE_TOPIC = "marketplace.invoice"

# An order in one of these has been paid: its reservation must be consumed, never released.
PAID_STATUSES = frozenset(
    {OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.PROCESSING, OrderStatus.COMPLETED}
)
LATE_REFUND_REASON = "The reserved stock had expired and none was left when the payment arrived"


@dataclass(frozen=True, slots=True)
class StockOutcome:
    """What a reaction did (for logs) and the order and reservation as it left them (None: untouched)."""

    result: str
    order: Order | None = None
    reservation: Reservation | None = None


def payment_captured(*, deps: MarketplaceDeps, order_id: str, payment_id: str) -> StockOutcome:
    """Consumed, re_reserved, refunded, or a no-op reason."""
    clock = deps.payments.clock
    uow = deps.new_uow()
    with uow:
        reservation = uow.reservations.for_order(order_id, lock=True)
        if reservation is None:
            return StockOutcome("not_marketplace")
        order = uow.orders.get_for_update(order_id)
        if order is None:
            return StockOutcome("no_order")
        now = clock.now()
        variant_id = str(reservation.variant_id)
        if reservation.status is ReservationStatus.ACTIVE and order.status is OrderStatus.REFUNDED:
            # Refunded before this event was handled: nothing was sold.
            uow.variants.release(variant_id, reservation.quantity, now=now)
            reservation.release(ReleaseReason.CANCELLED, now)
            uow.reservations.save(reservation)
            result = "released_refunded_order"
        elif reservation.status is ReservationStatus.ACTIVE:
            reservation.consume(now)
            result = "consumed"
        elif reservation.status is ReservationStatus.CONSUMED:
            result = "already_consumed"
        elif reservation.late_payment is LatePayment.REFUNDED:
            return StockOutcome("already_refunded", order, reservation)
        elif uow.variants.reserve(variant_id, reservation.quantity, now=now):
            reservation.re_reserve(now)
            result = "re_reserved"
        else:
            result = "refund"
        if result in {"consumed", "re_reserved", "already_consumed"}:
            uow.reservations.save(reservation)
            if order.status is OrderStatus.PAID:
                order.start_processing(now)
                uow.orders.save(order)
            uow.outbox.add(INVOICE_TOPIC, {"order_id": order_id}, dedupe_key=f"{INVOICE_TOPIC}:{order_id}")
    if result == "released_refunded_order":
        _give_back(deps, variant_id, reservation.quantity)
    elif result == "re_reserved":
        _forget(deps, variant_id)  # taken from the database without the pre-check's counter
    elif result == "refund":
        _refund_late_payment(deps, order, payment_id)
        return StockOutcome("refunded")
    return StockOutcome(result, order, reservation)


def _refund_late_payment(deps: MarketplaceDeps, order: Order, payment_id: str) -> None:
    """Refund first, then record it; a crash in between is retried and finds the payment already refunded."""
    payment = deps.new_payments_uow().payments.get(payment_id)
    if payment is not None and payment.status in REFUNDABLE_STATUSES and payment.refundable_amount().is_positive():
        refund_create(
            uow=deps.new_payments_uow(),
            principal=Principal(user_id=order.seller_id, role=Role.VENDOR),
            command=CreateRefund(payment_id=payment_id, reason=LATE_REFUND_REASON),
            deps=deps.payments,
        )
    uow = deps.new_uow()
    with uow:
        reservation = uow.reservations.for_order(str(order.id), lock=True)
        if reservation is not None and reservation.status is ReservationStatus.RELEASED:
            reservation.mark_refunded(deps.payments.clock.now())
            uow.reservations.save(reservation)


def payment_failed(*, deps: MarketplaceDeps, order_id: str) -> StockOutcome:
    return _release(deps, order_id, ReleaseReason.PAYMENT_FAILED, keep_if_payment_in_flight=True)


def order_cancelled(*, deps: MarketplaceDeps, order_id: str) -> StockOutcome:
    return _release(deps, order_id, ReleaseReason.CANCELLED, keep_if_payment_in_flight=False)


def _release(
    deps: MarketplaceDeps, order_id: str, reason: ReleaseReason, *, keep_if_payment_in_flight: bool
) -> StockOutcome:
    uow = deps.new_uow()
    with uow:
        reservation = uow.reservations.for_order(order_id, lock=True)
        if reservation is None:
            return StockOutcome("not_marketplace")
        order = uow.orders.get_for_update(order_id)
        if order is None or order.status in PAID_STATUSES:
            return StockOutcome("kept_paid", order, reservation)
        now = deps.payments.clock.now()
        result = "already_settled"
        if reservation.is_active:
            if keep_if_payment_in_flight and _payment_in_flight(uow, order_id):
                return StockOutcome("kept_payment_in_flight", order, reservation)
            uow.variants.release(str(reservation.variant_id), reservation.quantity, now=now)
            reservation.release(reason, now)
            uow.reservations.save(reservation)
            result = "released"
        _expire_if_abandoned(deps, uow, order, now)
    if result == "released":
        _give_back(deps, str(reservation.variant_id), reservation.quantity)
    return StockOutcome(result, order, reservation)


def reservations_expire(*, deps: MarketplaceDeps, limit: int = 500) -> dict[str, int]:
    """The periodic job: each expired reservation is released in its own short transaction."""
    counts = {"released": 0, "skipped": 0}
    now = deps.payments.clock.now()
    for order_id in deps.new_uow().reservations.expired_order_ids(now=now, limit=limit):
        uow = deps.new_uow()
        with uow:
            reservation = uow.reservations.for_order(order_id, lock=True)
            order = uow.orders.get_for_update(order_id)
            if (
                reservation is None
                or not reservation.is_active
                or not reservation.is_past_expiry(now)
                or order is None
                or order.status in PAID_STATUSES  # paid in time; the captured handler consumes it
            ):
                counts["skipped"] += 1
                continue
            uow.variants.release(str(reservation.variant_id), reservation.quantity, now=now)
            reservation.release(ReleaseReason.EXPIRED, now)
            uow.reservations.save(reservation)
            _expire_if_abandoned(deps, uow, order, now)
            counts["released"] += 1
        _give_back(deps, str(reservation.variant_id), reservation.quantity)
    return counts


def _expire_if_abandoned(deps: MarketplaceDeps, uow: MarketplaceUnitOfWork, order: Order, now: datetime) -> None:
    if order.is_payable() and order.is_past_expiry(now) and not _payment_in_flight(uow, str(order.id)):
        order.expire(now)
        uow.orders.save(order)


def _payment_in_flight(uow: MarketplaceUnitOfWork, order_id: str) -> bool:
    one = PageRequest(limit=1)
    return any(
        uow.payments.list(PaymentFilter(order_id=order_id, status=status), one).items
        for status in (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)
    )


def _give_back(deps: MarketplaceDeps, variant_id: str, quantity: int) -> None:
    """Stock came back in the database (after commit): the pre-check's counter follows."""
    if deps.precheck is not None:
        deps.precheck.give_back(variant_id, quantity)


def _forget(deps: MarketplaceDeps, variant_id: str) -> None:
    if deps.precheck is not None:
        deps.precheck.forget(variant_id)
