"""Payment use cases: start a payment through a gateway, capture, confirm, settle from gateway news."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from application.payments.access import visible_order, visible_payment
from application.payments.ports import (
    CardFingerprinter,
    CardInput,
    Customer,
    EventPublisher,
    GatewayRequest,
    GatewayResult,
    PaymentFilter,
    PaymentGateway,
    PaymentRepository,
    PaymentsUnitOfWork,
)
from application.payments.publishing import publish_changes
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal, Role
from domain.payments.card import CardDetails, validate_card
from domain.payments.order import Order
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.shared.clock import Clock

# A payment that reached one of these has taken (or may take) the buyer's money for its order.
HOLDING_STATUSES = {PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED}


@dataclass(frozen=True, slots=True)
class CardData:
    number: str
    expiry: str
    cvv: str
    holder: str = ""


@dataclass(frozen=True, slots=True)
class CreatePayment:
    order_id: str
    method: str
    card: CardData | None = None
    bank_reference: str | None = None
    capture: bool = True
    customer_email: str = ""
    customer_phone: str = ""
    customer_name: str = ""
    return_url: str = ""


@dataclass(frozen=True, slots=True)
class PaymentsDeps:
    """The ports a payment needs beyond its unit of work, bundled so signatures stay readable."""

    gateways: Mapping[str, PaymentGateway]
    fingerprinter: CardFingerprinter
    clock: Clock
    publish: EventPublisher
    notify_url_for: Mapping[str, str]
    # Methods whose gateway is a sandbox here: their payments are made with livemode false.
    sandbox_methods: frozenset[str] = frozenset()


def _method(raw: str) -> PaymentMethod:
    try:
        return PaymentMethod(raw)
    except ValueError:
        raise InvalidInput(f"Unknown payment method {raw!r}", code="invalid_method", field="method") from None


def _gateway(deps: PaymentsDeps, method: PaymentMethod) -> PaymentGateway:
    gateway = deps.gateways.get(method.value)
    if gateway is None:
        raise InvalidInput(
            f"Payment method {method.value} is not available in this deployment",
            code="payment_method_unavailable",
            field="method",
            extra={"available_methods": sorted(deps.gateways)},
        )
    return gateway


def _may_pay(principal: Principal, order: Order) -> bool:
    """Sellers take payments on their orders (server-to-server); buyers pay their own orders."""
    return principal.is_admin or principal.user_id in {order.seller_id, order.buyer_id}


def payment_create(
    *, uow: PaymentsUnitOfWork, principal: Principal, command: CreatePayment, deps: PaymentsDeps
) -> Payment:
    method = _method(command.method)
    gateway = _gateway(deps, method)
    now = deps.clock.now()
    card_input: CardInput | None = None
    card: CardDetails | None = None
    if method is PaymentMethod.CARD:
        if command.card is None:
            raise InvalidInput("Card details are required for method card", code="card_required", field="card")
        digits, month, year = validate_card(command.card.number, command.card.expiry, command.card.cvv, now)
        card_input = CardInput(
            number=digits, exp_month=month, exp_year=year, cvv=command.card.cvv, holder=command.card.holder
        )
        card = CardDetails.from_number(digits, month, year, deps.fingerprinter.fingerprint(digits))
    if method is PaymentMethod.BANK_TRANSFER and not (command.bank_reference or "").strip():
        raise InvalidInput(
            "A bank transfer needs the payer's reference (UTR)",
            code="reference_required",
            field="bank_transfer.reference",
        )
    with uow:
        # The order row stays locked until commit: two payers of one order are served one after the other.
        order = uow.orders.get_for_update(command.order_id)
        if order is None or not _may_pay(principal, order):
            raise NotFound("No such order")
        if not order.is_payable() or order.is_past_expiry(now):
            raise Conflict(f"The order is {order.status.value} and cannot be paid", code="order_not_payable")
        payment = Payment.create(
            order_id=order.id, seller_id=order.seller_id, method=method, amount=order.amount, now=now, card=card
        )
        payment.livemode = method.value not in deps.sandbox_methods
        result = gateway.start(
            GatewayRequest(
                payment_id=str(payment.id),
                order_id=str(order.id),
                amount=order.amount,
                capture=command.capture,
                customer=Customer(
                    id=order.buyer_id or principal.user_id,
                    email=command.customer_email,
                    phone=command.customer_phone,
                    name=command.customer_name,
                ),
                description=order.description,
                card=card_input,
                reference=(command.bank_reference or "").strip(),
                return_url=command.return_url,
                notify_url=deps.notify_url_for.get(method.value, ""),
            )
        )
        uow.payments.add(payment, buyer_id=order.buyer_id)
        _apply(uow, deps, order, payment, result)
    return payment


def _apply(uow: PaymentsUnitOfWork, deps: PaymentsDeps, order: Order, payment: Payment, result: GatewayResult) -> None:
    """Moves payment and order to what the gateway said, records stats, publishes events, saves."""
    now = deps.clock.now()
    day, currency = now.date(), payment.amount.currency
    if (result.reference or result.redirect_url or result.data) and payment.status is PaymentStatus.PENDING:
        payment.attach_gateway_session(
            reference=result.reference or payment.gateway_reference,
            now=now,
            redirect_url=result.redirect_url,
            data=result.data or None,
        )
    if result.status == "failed":
        if payment.status in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            payment.fail(result.failure_code or "payment_failed", result.failure_message or "The payment failed", now)
            if order.status.value == "created":
                order.mark_failed(now)
            uow.stats.record(seller_id=order.seller_id, day=day, currency=currency, failed_payments=1)
    elif result.status == "authorized" and payment.status is PaymentStatus.PENDING:
        payment.authorize(now)
    elif result.status == "captured" and payment.status in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
        payment.capture(now)
        order.mark_paid(now)
        uow.stats.record(
            seller_id=order.seller_id,
            day=day,
            currency=currency,
            successful_payments=1,
            volume_minor=payment.amount_captured.minor,
        )
    uow.payments.save(payment)
    uow.orders.save(order)
    publish_changes(uow, deps.publish, order=order, payment=payment)


def payment_get(*, uow: PaymentsUnitOfWork, principal: Principal, payment_id: str) -> Payment:
    payment = uow.payments.get(payment_id)
    order = uow.orders.get(str(payment.order_id)) if payment else None
    return visible_payment(principal, payment, order)


def payments_list(
    *, payments: PaymentRepository, principal: Principal, filters: PaymentFilter, page: PageRequest
) -> Page[Payment]:
    from dataclasses import replace

    if not principal.is_admin:
        if principal.role in {Role.MERCHANT, Role.VENDOR}:
            filters = replace(filters, seller_id=principal.user_id, buyer_id=None)
        else:
            filters = replace(filters, buyer_id=principal.user_id, seller_id=None)
    return payments.list(filters, page)


def payment_capture(*, uow: PaymentsUnitOfWork, principal: Principal, payment_id: str, deps: PaymentsDeps) -> Payment:
    with uow:
        payment, order = _locked(uow, principal, payment_id)
        if payment.status is not PaymentStatus.AUTHORIZED:
            raise Conflict(f"A {payment.status.value} payment cannot be captured", code="payment_not_capturable")
        if not order.is_payable():
            raise Conflict("The order is already settled", code="order_not_payable")
        result = _gateway(deps, payment.method).capture(reference=payment.gateway_reference, amount=payment.amount)
        _apply(uow, deps, order, payment, result)
    return payment


def payment_confirm(*, uow: PaymentsUnitOfWork, principal: Principal, payment_id: str, deps: PaymentsDeps) -> Payment:
    """An admin confirms money that arrived outside any gateway (bank transfer, seed 000)."""
    if principal.role is not Role.ADMIN:
        from application.shared.errors import Forbidden

        raise Forbidden("Only admins confirm payments")
    with uow:
        payment, order = _locked(uow, principal, payment_id)
        if payment.method is not PaymentMethod.BANK_TRANSFER:
            raise Conflict("Only bank transfers are confirmed by hand", code="payment_not_confirmable")
        if payment.status is not PaymentStatus.PENDING:
            raise Conflict(f"A {payment.status.value} payment cannot be confirmed", code="payment_not_confirmable")
        if not order.is_payable():
            raise Conflict("The order is already settled", code="order_not_payable")
        _apply(uow, deps, order, payment, GatewayResult(status="captured", reference=payment.gateway_reference))
    return payment


def payment_settle(
    *, uow: PaymentsUnitOfWork, payment_id: str, result: GatewayResult, deps: PaymentsDeps
) -> Payment | None:
    """Applies news from a gateway (webhook, IPN, reconciliation) to a payment, exactly once.

    A success for an order that another payment already paid is not applied to the order:
    the payment fails as ``duplicate_payment`` so the money can be returned.
    """
    with uow:
        payment = uow.payments.get_for_update(payment_id)
        if payment is None:
            return None
        order = uow.orders.get_for_update(str(payment.order_id))
        if order is None:
            return None
        if payment.status not in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            return payment  # already settled: a replayed notification changes nothing
        if result.amount is not None and result.amount != payment.amount:
            result = GatewayResult(
                status="failed",
                reference=result.reference,
                failure_code="amount_mismatch",
                failure_message=f"Gateway reported {result.amount} for a payment of {payment.amount}",
            )
        if result.status in {"captured", "authorized"} and not order.is_payable():
            result = GatewayResult(
                status="failed",
                reference=result.reference,
                failure_code="duplicate_payment",
                failure_message="The order was already paid by another payment",
            )
        if result.status == "pending":
            return payment
        _apply(uow, deps, order, payment, result)
    return payment


def _locked(uow: PaymentsUnitOfWork, principal: Principal, payment_id: str) -> tuple[Payment, Order]:
    payment = uow.payments.get_for_update(payment_id)
    order = uow.orders.get_for_update(str(payment.order_id)) if payment else None
    visible_payment(principal, payment, order)
    if payment is None or order is None:  # visible_payment already raised; this narrows the types
        raise NotFound("No such payment")
    return payment, order


def visible_order_for(principal: Principal, order: Order | None) -> Order:
    return visible_order(principal, order)
