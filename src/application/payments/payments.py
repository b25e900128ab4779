"""Payment use cases: start a payment through a gateway, capture, confirm, settle from gateway news.

Every provider call runs in three phases (docs/gateways.md, "Atomic phases"):

1. validate and record the intent in its own committed transaction (the payment row, ``pending``,
   ``started_at`` unset, a recovery check scheduled);
2. call the provider outside any transaction or row lock, with the payment id as its idempotency
   key (Cashfree ``order_id`` + ``x-idempotency-key``, SSLCommerz ``tran_id``);
3. apply the answer in a new transaction, once: a second application finds ``started_at`` set.

A crash between phases leaves an intent that reconciliation (``reconciliation.py``) finishes by
asking the provider, or by sending the same request again. Money a provider reports on a payment
we already closed, or on an order that is already paid or closed, is returned automatically
(``unexpected.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.payments.access import visible_order, visible_payment
from application.payments.deps import PaymentsDeps
from application.payments.ports import (
    CardInput,
    Customer,
    GatewayRequest,
    GatewayResult,
    PaymentFilter,
    PaymentGateway,
    PaymentRepository,
    PaymentsUnitOfWork,
)
from application.payments.unexpected import return_unexpected_money
from application.shared.access import may_see, require_admin
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from application.shared.ports import RowChanged
from domain.identity.user import Principal, Role
from domain.payments.card import CardDetails, validate_card
from domain.payments.order import Order
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.shared.ids import intent_id

# A payment that reached one of these has taken (or may take) the buyer's money for its order.
HOLDING_STATUSES = {PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED}
# Hosted checkouts: the buyer pays on the provider's page, later, possibly after failed tries.
HOSTED_METHODS = frozenset({PaymentMethod.CASHFREE, PaymentMethod.SSLCOMMERZ})
START_DATA = "start"  # what phase 2 needs to be sent again (never card data)
CAPTURE_REQUESTED = "capture_requested_at"


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
    # The caller's Idempotency-Key (scoped): a retry names the same payment and resumes it.
    intent_key: str | None = None


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
    return may_see(principal, order.seller_id, order.buyer_id)


def payment_method_check(*, method: str, bank_reference: str | None, deps: PaymentsDeps) -> PaymentGateway:
    """What can be refused about a payment before anything is recorded (so callers can check first)."""
    found = _method(method)
    if found is PaymentMethod.BANK_TRANSFER and not (bank_reference or "").strip():
        raise InvalidInput(
            "A bank transfer needs the payer's reference (UTR)",
            code="reference_required",
            field="bank_transfer.reference",
        )
    return _gateway(deps, found)


def payment_create(
    *, uow: PaymentsUnitOfWork, principal: Principal, command: CreatePayment, deps: PaymentsDeps
) -> Payment:
    method = _method(command.method)
    # Refused before the card is even read when this deployment does not offer the method.
    gateway = payment_method_check(method=method.value, bank_reference=command.bank_reference, deps=deps)
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
    payment, order = _record_start(uow, principal, command, deps, method=method, card=card)
    if not payment.awaits_start_answer():
        return payment  # a retry of a request whose answer is already applied
    request = _start_request(payment, order, principal, card_input=card_input, deps=deps)
    result = gateway.start(request)  # phase 2: no transaction is open here
    if _apply_start_as_known(uow, payment, order, result, deps):
        return payment
    return payment_start_apply(uow=uow, payment_id=str(payment.id), result=result, deps=deps)


def _apply_start_as_known(
    uow: PaymentsUnitOfWork, payment: Payment, order: Order, result: GatewayResult, deps: PaymentsDeps
) -> bool:
    """Phase 3 on the payment and order as phase 1 left them, without reading them again: the unit of work
    locks both and checks they are still those versions of their rows in the statement that writes the
    answer. False when that cannot be done or one of them changed meanwhile (a recovery job, a
    cancellation): nothing was written, and the caller applies the answer the locked way."""
    try:
        with uow:
            # Lock order everywhere: payment, then order.
            if not (uow.payments.hold_as_known(payment) and uow.orders.hold_as_known(order)):
                raise _NotKnown
            now = deps.clock.now()
            payment.mark_started(now)
            _apply(uow, deps, order, payment, result, now=now)
    except (RowChanged, _NotKnown):
        return False
    return True


class _NotKnown(Exception):
    """A row cannot be held as known: phase 3 reads it under lock instead (nothing was written)."""


def _record_start(
    uow: PaymentsUnitOfWork,
    principal: Principal,
    command: CreatePayment,
    deps: PaymentsDeps,
    *,
    method: PaymentMethod,
    card: CardDetails | None,
) -> tuple[Payment, Order]:
    """Phase 1: the order is payable, no other start is in flight; the intent is committed.

    First without a lock: the order is read, and when everything allows the payment, the intent is
    recorded in one statement that holds only if the order still reads the same and no other start is in
    flight. Anything else (a refusal to explain, a retry to resume, a race lost) takes the locked way,
    which answers as it always did.
    """
    payment_id = intent_id(command.intent_key)
    now = deps.clock.now()
    order = uow.orders.get(command.order_id)
    if (
        order is not None
        and _may_pay(principal, order)
        and order.is_payable()
        and not order.is_past_expiry(now)
        and deps.limits.allows(order.amount)
        and not (command.intent_key and uow.payments.get(str(payment_id)) is not None)
    ):
        payment = _new_start(payment_id, order, principal, command, deps, method=method, card=card, now=now)
        if uow.payments.add_if_order_unchanged(payment, order):
            return payment, order
    return _record_start_locked(uow, principal, command, deps, method=method, card=card)


def _record_start_locked(
    uow: PaymentsUnitOfWork,
    principal: Principal,
    command: CreatePayment,
    deps: PaymentsDeps,
    *,
    method: PaymentMethod,
    card: CardDetails | None,
) -> tuple[Payment, Order]:
    """Phase 1 under the order's lock: every refusal and every resumed retry is decided here."""
    payment_id = intent_id(command.intent_key)
    now = deps.clock.now()
    with uow:
        # The order lock serialises phase 1 of concurrent payers (and of retries of one intent); it is
        # released before the provider call.
        order = uow.orders.get_for_update(command.order_id)
        if order is None or not _may_pay(principal, order):
            raise NotFound("No such order")
        if command.intent_key:
            existing = uow.payments.get(str(payment_id))
            if existing is not None and existing.order_id == order.id:
                return existing, order  # a retry of the same request: resume it
        if not order.is_payable() or order.is_past_expiry(now):
            raise Conflict(f"The order is {order.status.value} and cannot be paid", code="order_not_payable")
        payment = _new_start(payment_id, order, principal, command, deps, method=method, card=card, now=now)
        # Recorded unless another payment of the order awaits its start answer (one check-and-insert, made
        # under the order lock; a new payment emits no event, so there is nothing here to publish).
        if not uow.payments.add_unless_start_awaited(payment, buyer_id=order.buyer_id):
            raise Conflict("Another payment of this order is being started", code="payment_in_progress")
        # Orders from before the limit existed; checked after the in-flight check as it always was, and a
        # refusal rolls the insert back with the unit of work.
        deps.limits.check(order.amount)
    return payment, order


def _new_start(
    payment_id: UUID,
    order: Order,
    principal: Principal,
    command: CreatePayment,
    deps: PaymentsDeps,
    *,
    method: PaymentMethod,
    card: CardDetails | None,
    now: datetime,
) -> Payment:
    """The intent phase 1 records: pending, what phase 2 needs to be sent again, a recovery check due."""
    payment = Payment.create(
        id=payment_id,
        order_id=order.id,
        seller_id=order.seller_id,
        method=method,
        amount=order.amount,
        now=now,
        card=card,
        gateway_reference=(command.bank_reference or "").strip() if method is PaymentMethod.BANK_TRANSFER else "",
    )
    payment.livemode = method.value not in deps.sandbox_methods
    payment.gateway_data[START_DATA] = {
        "capture": command.capture,
        "customer": {
            "id": order.buyer_id or principal.user_id,
            "email": command.customer_email,
            "phone": command.customer_phone,
            "name": command.customer_name,
        },
        "return_url": command.return_url,
    }
    if method in HOSTED_METHODS:
        expires = now + deps.checks.checkout_ttl
        payment.gateway_data["checkout_expires_at"] = expires.isoformat()
    # If phases 2-3 never finish (a crash, a hang), reconciliation picks the intent up.
    payment.schedule_check(now + deps.checks.recover_after)
    return payment


def _start_request(
    payment: Payment, order: Order, principal: Principal, *, card_input: CardInput | None, deps: PaymentsDeps
) -> GatewayRequest:
    start: dict[str, Any] = payment.gateway_data.get(START_DATA) or {}
    customer: dict[str, Any] = start.get("customer") or {}
    expires = payment.gateway_data.get("checkout_expires_at")
    return GatewayRequest(
        payment_id=str(payment.id),
        order_id=str(order.id),
        amount=payment.amount,
        capture=bool(start.get("capture", True)),
        customer=Customer(
            id=str(customer.get("id") or order.buyer_id or principal.user_id),
            email=str(customer.get("email") or ""),
            phone=str(customer.get("phone") or ""),
            name=str(customer.get("name") or ""),
        ),
        description=order.description,
        card=card_input,
        reference=payment.gateway_reference if payment.method is PaymentMethod.BANK_TRANSFER else "",
        return_url=str(start.get("return_url") or ""),
        notify_url=deps.notify_url_for.get(payment.method.value, ""),
        expires_at=datetime.fromisoformat(expires) if isinstance(expires, str) else None,
    )


def start_request_for_recovery(payment: Payment, order: Order, deps: PaymentsDeps) -> GatewayRequest | None:
    """The start request again, for a hosted checkout whose first answer was lost; None for cards
    (their data was never kept, so only the processor can tell what happened)."""
    if payment.method is PaymentMethod.CARD:
        return None
    principal = Principal(user_id=order.buyer_id or order.seller_id, role=Role.CUSTOMER)
    return _start_request(payment, order, principal, card_input=None, deps=deps)


def payment_start_apply(
    *, uow: PaymentsUnitOfWork, payment_id: str, result: GatewayResult, deps: PaymentsDeps
) -> Payment:
    """Phase 3 of a start: applied once; a second application (recovery racing) changes nothing."""
    with uow:
        payment, order = _lock(uow, payment_id)
        if not payment.awaits_start_answer():
            return payment
        now = deps.clock.now()
        payment.mark_started(now)
        _apply(uow, deps, order, payment, result, now=now)
    return payment


def _apply(
    uow: PaymentsUnitOfWork, deps: PaymentsDeps, order: Order, payment: Payment, result: GatewayResult, *, now: datetime
) -> None:
    """Moves payment and order to what the gateway said, records stats, saves (their events publish at commit)."""
    day, currency = now.date(), payment.amount.currency
    session_news = result.status not in {"attempt_failed", "expired", "cancelled"}
    if (
        session_news
        and (result.reference or result.redirect_url or result.data)
        and payment.status is PaymentStatus.PENDING
    ):
        payment.attach_gateway_session(
            reference=result.reference or payment.gateway_reference,
            now=now,
            redirect_url=result.redirect_url,
            data=result.data or None,
        )
    unexpected = _unexpected_money(order, payment, result)
    if unexpected is not None:
        code, message = unexpected
        return_unexpected_money(uow, deps, order, payment, result, code=code, message=message, now=now)
    elif result.status == "failed":
        if payment.status in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            payment.fail(result.failure_code or "payment_failed", result.failure_message or "The payment failed", now)
            if order.status.value == "created":
                order.mark_failed(now)
            uow.stats.record(seller_id=order.seller_id, day=day, currency=currency, failed_payments=1)
    elif result.status == "attempt_failed":
        payment.record_failed_attempt(
            code=result.failure_code or "payment_failed",
            message=result.failure_message or "The attempt failed",
            now=now,
            provider_payment_id=str(result.data.get("provider_payment_id") or ""),
        )
    elif result.status == "expired":
        if payment.status is PaymentStatus.PENDING:
            payment.expire(now)
    elif result.status == "cancelled":
        if payment.status in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            payment.cancel(now)
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
    if payment.status is PaymentStatus.PENDING:
        # Waiting for the buyer or the processor: reconciliation asks later, backing off.
        payment.schedule_check(deps.checks.next_check(now, payment.check_count))
    elif payment.status is PaymentStatus.AUTHORIZED and CAPTURE_REQUESTED not in payment.gateway_data:
        payment.schedule_check(None)  # the merchant captures (or voids) when it chooses
    uow.payments.save(payment)
    uow.orders.save(order)


def _unexpected_money(order: Order, payment: Payment, result: GatewayResult) -> tuple[str, str] | None:
    """Why money the provider reports holding must be returned (code, message), or None to keep it."""
    if result.status not in {"captured", "authorized"}:
        return None
    if result.amount is not None and result.amount != payment.amount:
        code = "currency_mismatch" if result.amount.currency != payment.amount.currency else "amount_mismatch"
        return code, f"The provider reported {result.amount} for a payment of {payment.amount}"
    if payment.is_closed():
        return "captured_after_close", f"The provider took money on a payment that was already {payment.status.value}"
    if payment.status is PaymentStatus.PENDING and not order.is_payable():
        code = "order_closed" if order.status.value in {"cancelled", "expired"} else "duplicate_payment"
        return code, f"The order was already {order.status.value} when this payment succeeded"
    return None  # ours to keep (or already held: a replayed notification changes nothing)


def payment_get(*, uow: PaymentsUnitOfWork, principal: Principal, payment_id: str) -> Payment:
    payment = uow.payments.get(payment_id)
    order = uow.orders.get(str(payment.order_id)) if payment else None
    return visible_payment(principal, payment, order)


def payments_list(
    *, payments: PaymentRepository, principal: Principal, filters: PaymentFilter, page: PageRequest
) -> Page[Payment]:
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
        gateway = _gateway(deps, payment.method)
        now = deps.clock.now()
        if CAPTURE_REQUESTED not in payment.gateway_data:
            payment.gateway_data[CAPTURE_REQUESTED] = now.isoformat()
        payment.schedule_check(now + deps.checks.recover_after)  # recovery re-drives a lost answer
        uow.payments.save(payment)
    result = gateway.capture(reference=payment.gateway_reference, amount=payment.amount)
    return payment_capture_apply(uow=uow, payment_id=payment_id, result=result, deps=deps)


def payment_capture_apply(
    *, uow: PaymentsUnitOfWork, payment_id: str, result: GatewayResult, deps: PaymentsDeps
) -> Payment:
    with uow:
        payment, order = _lock(uow, payment_id)
        if payment.status is not PaymentStatus.AUTHORIZED or result.status not in {"captured", "failed"}:
            return payment
        _apply(uow, deps, order, payment, result, now=deps.clock.now())
    return payment


def payment_confirm(*, uow: PaymentsUnitOfWork, principal: Principal, payment_id: str, deps: PaymentsDeps) -> Payment:
    """An admin confirms money that arrived outside any gateway (bank transfer, seed 000)."""
    require_admin(principal, message="Only admins confirm payments")
    with uow:
        payment, order = _locked(uow, principal, payment_id)
        if payment.method is not PaymentMethod.BANK_TRANSFER:
            raise Conflict("Only bank transfers are confirmed by hand", code="payment_not_confirmable")
        if payment.status is not PaymentStatus.PENDING:
            raise Conflict(f"A {payment.status.value} payment cannot be confirmed", code="payment_not_confirmable")
        if not order.is_payable():
            raise Conflict("The order is already settled", code="order_not_payable")
        now = deps.clock.now()
        payment.mark_started(now)
        _apply(
            uow, deps, order, payment, GatewayResult(status="captured", reference=payment.gateway_reference), now=now
        )
    return payment


def payment_settle(
    *, uow: PaymentsUnitOfWork, payment_id: str, result: GatewayResult, deps: PaymentsDeps
) -> Payment | None:
    """Applies news from a gateway (webhook, IPN, reconciliation) to a payment, exactly once.

    Money reported on a payment we closed, on an order already paid by another payment or closed,
    or in another amount, is returned automatically and listed for admins.
    """
    with uow:
        payment = uow.payments.get_for_update(payment_id)
        if payment is None:
            return None
        order = uow.orders.get_for_update(str(payment.order_id))
        if order is None:
            return None
        holding = result.status in {"captured", "authorized"}
        settled = payment.status not in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}
        if result.status in {"pending", "error", "not_found"} or (settled and not (holding and payment.is_closed())):
            return payment  # nothing final, or already settled: a replayed notification changes nothing
        now = deps.clock.now()
        payment.mark_started(now)
        _apply(uow, deps, order, payment, result, now=now)
    return payment


def payment_check_reschedule(*, uow: PaymentsUnitOfWork, payment_id: str, deps: PaymentsDeps, expire: bool) -> None:
    """Reconciliation found nothing final: ask again later (backing off), or end an abandoned checkout."""
    with uow:
        payment, _ = _lock(uow, payment_id)  # the order too: its view goes with the payment's events
        if payment.status not in {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED}:
            payment.schedule_check(None)  # settled meanwhile: off the schedule for good
            uow.payments.save(payment)
            return
        now = deps.clock.now()
        if expire and payment.status is PaymentStatus.PENDING:
            payment.expire(now)
        else:
            payment.check_count += 1
            payment.schedule_check(deps.checks.next_check(now, payment.check_count))
        uow.payments.save(payment)


def _lock(uow: PaymentsUnitOfWork, payment_id: str) -> tuple[Payment, Order]:
    payment = uow.payments.get_for_update(payment_id)
    order = uow.orders.get_for_update(str(payment.order_id)) if payment else None
    if payment is None or order is None:
        raise NotFound("No such payment")
    return payment, order


def _locked(uow: PaymentsUnitOfWork, principal: Principal, payment_id: str) -> tuple[Payment, Order]:
    payment = uow.payments.get_for_update(payment_id)
    order = uow.orders.get_for_update(str(payment.order_id)) if payment else None
    visible_payment(principal, payment, order)
    if payment is None or order is None:  # visible_payment already raised; this narrows the types
        raise NotFound("No such payment")
    return payment, order


def visible_order_for(principal: Principal, order: Order | None) -> Order:
    return visible_order(principal, order)


def is_past_checkout(payment: Payment, now: datetime, grace: timedelta) -> bool:
    raw = payment.gateway_data.get("checkout_expires_at")
    if not isinstance(raw, str):
        return False
    try:
        return now >= datetime.fromisoformat(raw) + grace
    except ValueError:
        return False
