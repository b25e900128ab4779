"""Ordering a variant: reserve its stock, create the order, start the payment; then fulfil it.

Reserving and creating the order happen in one transaction: a conditional decrement of the
variant's available stock (0 rows = 409 ``out_of_stock``), the order (kind marketplace, seller =
the vendor, buyer = the customer, expiring with the reservation) and the reservation row. The
payment is started afterwards through the payments context; its immediate outcome is applied
here (a declined card gives the stock back at once, an approved one consumes it), and gateway
news arriving later reaches ``stock.py`` through the event subscription.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from application.marketplace import stock
from application.marketplace.ports import InvoiceSummary, MarketplaceDeps, MarketplaceUnitOfWork
from application.payments.access import visible_order
from application.payments.orders import CreateOrder, order_cancel, order_create, orders_list
from application.payments.payments import CardData, CreatePayment, payment_create
from application.payments.ports import OrderFilter, OrderRepository, PaymentsUnitOfWork
from application.shared.access import may_see, require_role
from application.shared.errors import ApplicationError, Conflict, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from domain.catalog.invoice import Charge
from domain.catalog.reservation import ReleaseReason, Reservation
from domain.catalog.service import Offer, check_quantity
from domain.identity.user import Principal, Role
from domain.payments.card import validate_card
from domain.payments.order import Order, OrderKind, OrderStatus
from domain.payments.payment import Payment, PaymentStatus
from domain.shared.errors import DomainError
from domain.shared.ids import intent_id

MARKETPLACE_METHODS = ("sslcommerz", "card", "cashfree")
DEFAULT_METHOD = "sslcommerz"


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    variant_id: str
    quantity: int
    method: str = DEFAULT_METHOD
    card: CardData | None = None
    customer_email: str = ""
    customer_phone: str = ""
    customer_name: str = ""
    return_url: str = ""
    # The caller's Idempotency-Key (scoped): a retry after a crash resumes the order it placed.
    intent_key: str | None = None


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order
    payment: Payment
    reservation: Reservation


@dataclass(frozen=True, slots=True)
class MarketplaceOrder:
    order: Order
    reservation: Reservation | None
    invoice: InvoiceSummary | None


class OutOfStock(Conflict):
    code = "out_of_stock"


def marketplace_order_place(*, principal: Principal, command: PlaceOrder, deps: MarketplaceDeps) -> PlacedOrder:
    require_role(principal, Role.CUSTOMER, message="Only customers place marketplace orders")
    quantity = check_quantity(command.quantity)
    _check_payment_input(command, deps)
    order_key = f"{command.intent_key}|order" if command.intent_key else None
    resumed = _placed_before(deps, order_key)
    order, reservation = resumed or _reserve(principal, command.variant_id, quantity, deps, intent_key=order_key)
    order_id = str(order.id)
    try:
        payment = payment_create(
            uow=deps.new_payments_uow(),
            principal=principal,
            command=CreatePayment(
                order_id=order_id,
                method=command.method,
                card=command.card,
                customer_email=command.customer_email,
                customer_phone=command.customer_phone,
                customer_name=command.customer_name,
                return_url=command.return_url,
                intent_key=f"{command.intent_key}|payment" if command.intent_key else None,
            ),
            deps=deps.payments,
        )
    except (ApplicationError, DomainError):
        # The payment was refused before reaching the gateway's books: give the stock back, close the order.
        _abandon(deps, order_id)
        raise
    outcome = stock.StockOutcome("pending", order, reservation)
    if payment.status is PaymentStatus.FAILED:
        outcome = stock.payment_failed(deps=deps, order_id=order_id)
    elif payment.status is PaymentStatus.CAPTURED:
        outcome = stock.payment_captured(deps=deps, order_id=order_id, payment_id=str(payment.id))
    if outcome.order is None or outcome.reservation is None:  # moved on by someone else meanwhile: read back
        reader = deps.new_uow()
        outcome = stock.StockOutcome(
            outcome.result, reader.orders.get(order_id) or order, reader.reservations.for_order(order_id) or reservation
        )
    return PlacedOrder(order=outcome.order or order, payment=payment, reservation=outcome.reservation or reservation)


def _placed_before(deps: MarketplaceDeps, order_key: str | None) -> tuple[Order, Reservation] | None:
    """The order and reservation a first attempt with the same Idempotency-Key committed, if any."""
    if order_key is None:
        return None
    reader = deps.new_uow()
    order = reader.orders.get(str(intent_id(order_key)))
    reservation = reader.reservations.for_order(str(order.id)) if order is not None else None
    return (order, reservation) if order is not None and reservation is not None else None


def _reserve(
    principal: Principal, variant_id: str, quantity: int, deps: MarketplaceDeps, *, intent_key: str | None = None
) -> tuple[Order, Reservation]:
    """Stock, order and reservation in one transaction; 409 ``out_of_stock`` when the stock is short."""
    precheck = deps.precheck
    if precheck is not None and not precheck.try_take(variant_id, quantity, seed=lambda: _available(deps, variant_id)):
        raise OutOfStock("Not enough stock left for this variant")
    clock = deps.payments.clock
    try:
        uow = deps.new_uow()
        with uow:
            now = clock.now()
            offer = uow.variants.offer(variant_id)
            if offer is None or not offer.sellable:
                raise NotFound("No such variant")
            if not uow.variants.reserve(variant_id, quantity, now=now):
                raise OutOfStock("Not enough stock left for this variant")
            expires_at = now + deps.reservation_ttl
            order = order_create(
                uow=deps.new_payments_uow(),
                seller_id=offer.variant.vendor_id,
                command=replace(
                    _order_command(offer, quantity, deps, principal, expires_at=expires_at), intent_key=intent_key
                ),
                clock=clock,
                limits=deps.payments.limits,
            )
            reservation = Reservation.create(
                variant_id=offer.variant.id, order_id=order.id, quantity=quantity, now=now, expires_at=expires_at
            )
            uow.reservations.add(reservation)
    except BaseException:
        if precheck is not None:
            precheck.give_back(variant_id, quantity)
        raise
    return order, reservation


def _available(deps: MarketplaceDeps, variant_id: str) -> int | None:
    offer = deps.new_uow().variants.offer(variant_id)
    return offer.variant.available if offer is not None else None


def _check_payment_input(command: PlaceOrder, deps: MarketplaceDeps) -> None:
    """Refuses what the payment would refuse before any stock moves."""
    if command.method not in MARKETPLACE_METHODS:
        raise InvalidInput(
            f"method must be one of {', '.join(MARKETPLACE_METHODS)}", code="invalid_method", field="method"
        )
    if deps.payments.gateways.get(command.method) is None:
        raise InvalidInput(
            f"Payment method {command.method} is not available in this deployment",
            code="payment_method_unavailable",
            field="method",
            extra={"available_methods": sorted(m for m in MARKETPLACE_METHODS if m in deps.payments.gateways)},
        )
    if command.method == "card":
        if command.card is None:
            raise InvalidInput("Card details are required for method card", code="card_required", field="card")
        validate_card(command.card.number, command.card.expiry, command.card.cvv, deps.payments.clock.now())


def _order_command(
    offer: Offer, quantity: int, deps: MarketplaceDeps, principal: Principal, *, expires_at: Any
) -> CreateOrder:
    variant = offer.variant
    charge = Charge.compute(unit_price=variant.price, quantity=quantity, tax_rate=deps.tax_rate)
    # The order keeps what was bought and what it cost, so the invoice does not depend on today's catalog.
    metadata = {
        "service_id": str(variant.service_id),
        "service_name": offer.service_name,
        "variant_id": str(variant.id),
        "variant_name": variant.name,
        "quantity": quantity,
        "unit_price": variant.price.to_decimal_string(),
        "subtotal": charge.subtotal.to_decimal_string(),
        "tax_rate": str(charge.tax_rate),
        "tax": charge.tax.to_decimal_string(),
    }
    return CreateOrder(
        amount=charge.total.to_decimal_string(),
        currency=variant.price.currency,
        description=f"{offer.service_name} ({variant.name}) x {quantity}"[:500],
        metadata=metadata,
        buyer_id=principal.user_id,
        kind=OrderKind.MARKETPLACE,
        expires_at=expires_at,
    )


def _abandon(deps: MarketplaceDeps, order_id: str) -> None:
    uow = deps.new_uow()
    now = deps.payments.clock.now()
    released = None
    with uow:
        reservation = uow.reservations.for_order(order_id, lock=True)
        if reservation is not None and reservation.is_active:
            uow.variants.release(str(reservation.variant_id), reservation.quantity, now=now)
            reservation.release(ReleaseReason.PAYMENT_ERROR, now)
            uow.reservations.save(reservation)
            released = reservation
        order = uow.orders.get_for_update(order_id)
        if order is not None and order.is_payable():
            order.cancel(now)
            uow.orders.save(order)
    if released is not None and deps.precheck is not None:
        deps.precheck.give_back(str(released.variant_id), released.quantity)


# --- reading and fulfilling -----------------------------------------------------------------


def marketplace_orders_list(
    *, orders: OrderRepository, principal: Principal, filters: OrderFilter, page: PageRequest
) -> Page[Order]:
    """Customers see what they bought, vendors what they sold, admins everything."""
    return orders_list(
        orders=orders, principal=principal, filters=replace(filters, kind=OrderKind.MARKETPLACE.value), page=page
    )


def _marketplace_order(principal: Principal, order: Order | None) -> Order:
    order = visible_order(principal, order)
    if order.kind is not OrderKind.MARKETPLACE:
        raise NotFound("No such order")
    return order


def marketplace_order_get(*, uow: MarketplaceUnitOfWork, principal: Principal, order_id: str) -> MarketplaceOrder:
    order = _marketplace_order(principal, uow.orders.get(order_id))
    return MarketplaceOrder(
        order=order, reservation=uow.reservations.for_order(order_id), invoice=uow.invoices.summary(order_id)
    )


def marketplace_order_complete(
    *, uow: PaymentsUnitOfWork, principal: Principal, order_id: str, deps: MarketplaceDeps
) -> Order:
    """The vendor has done the work: ``processing -> completed``. Anything not yet in processing is 409."""
    with uow:
        order = _marketplace_order(principal, uow.orders.get_for_update(order_id))
        if not may_see(principal, order.seller_id):  # the buyer sees the order; only its vendor completes it
            raise NotFound("No such order")
        if order.status is not OrderStatus.PROCESSING:
            raise Conflict(
                f"Only an order in processing can be completed; this one is {order.status.value}",
                code="order_not_completable",
            )
        order.complete(deps.payments.clock.now())
        uow.orders.save(order)
    return order


def marketplace_order_cancel(
    *, uow: PaymentsUnitOfWork, principal: Principal, order_id: str, deps: MarketplaceDeps
) -> Order:
    """The customer (or its vendor, or an admin) calls off an unpaid order; the stock comes back through the
    ``order.cancelled`` event, and any checkout still open at the provider is cancelled there."""
    _marketplace_order(principal, uow.orders.get(order_id))
    return order_cancel(uow=uow, principal=principal, order_id=order_id, clock=deps.payments.clock)
