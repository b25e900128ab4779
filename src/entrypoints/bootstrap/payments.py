"""Payments wiring: repositories, gateway registry, fingerprints, stats, reconciliation, recovery.

Every gateway in the registry is wrapped in ``OutsideTransactions``: a provider call made inside a
database transaction raises, so the phases of docs/gateways.md are enforced, not just intended."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from adapters.django_orm.payments.repositories import (
    DjangoAlertRepository,
    DjangoOrderRepository,
    DjangoPaymentRepository,
    DjangoRefundRepository,
)
from adapters.django_orm.payments.stats import DjangoStatsQuery, DjangoStatsRecorder
from adapters.gateways.card_fingerprint import HmacCardFingerprinter
from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.gateways.sandbox_card import BankTransferGateway, SandboxCardGateway
from application.payments import alerts as alert_cases
from application.payments import orders as order_cases
from application.payments import payments as payment_cases
from application.payments import reconciliation
from application.payments import refunds as refund_cases
from application.payments import stats as stats_cases
from application.payments.ports import (
    AlertFilter,
    GatewayResult,
    OrderFilter,
    PaymentFilter,
    PaymentGateway,
    PaymentsUnitOfWork,
    RefundFilter,
)
from application.payments.unexpected import RETURN_TOPIC
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.alert import Alert
from domain.payments.limits import AmountLimits, parse_overrides
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from entrypoints.bootstrap import Container, container, deployment

orders_repo = DjangoOrderRepository()
payments_repo = DjangoPaymentRepository()
refunds_repo = DjangoRefundRepository()
alerts_repo = DjangoAlertRepository()
stats_recorder = DjangoStatsRecorder()
stats_query = DjangoStatsQuery()

# Gateways by method name. Other contexts (Cashfree, SSLCommerz) register theirs in their wire().
GATEWAYS: dict[str, PaymentGateway] = {}


def register_gateway(method: str, gateway: PaymentGateway, *, replace: bool = True) -> None:
    """Adds a gateway to the registry behind the outside-transactions guard."""
    if replace or method not in GATEWAYS:
        GATEWAYS[method] = OutsideTransactions(gateway, name=f"{method}_gateway")


def wire(built: Container) -> None:
    # No real card acquirer exists yet: ``card`` is the sandbox processor, wired only when SANDBOX_COMPONENTS
    # names it (the default outside production). Otherwise card payments are 422 payment_method_unavailable.
    if "card" in settings.SANDBOX_COMPONENTS:
        register_gateway(
            "card", SandboxCardGateway(sleep=getattr(settings, "SANDBOX_CARD_DELAYS", True)), replace=False
        )
    else:
        GATEWAYS.pop("card", None)
    # A bank transfer is real money confirmed by an admin: always live.
    register_gateway("bank_transfer", BankTransferGateway(), replace=False)

    def submit_return(payload: dict[str, Any]) -> None:
        refund_cases.refund_submit(uow=uow(), refund_id=str(payload["refund_id"]), deps=deps())

    def cancel_at_provider(payload: dict[str, Any]) -> None:
        reconciliation.payment_cancel_at_provider(uow=uow(), payment_id=str(payload["payment_id"]), deps=deps())

    built.subscriptions.subscribe(RETURN_TOPIC, submit_return)
    built.subscriptions.subscribe(order_cases.CANCEL_AT_PROVIDER_TOPIC, cancel_at_provider)


def amount_limits() -> AmountLimits:
    return _amount_limits(settings.MAX_PAYMENT_AMOUNT, settings.MAX_PAYMENT_AMOUNT_BY_CURRENCY)


@functools.cache
def _amount_limits(default: str, overrides: str) -> AmountLimits:
    return AmountLimits(default=default, per_currency=parse_overrides(overrides))


def uow() -> PaymentsUnitOfWork:
    unit: PaymentsUnitOfWork = container().uow(
        orders=orders_repo, payments=payments_repo, refunds=refunds_repo, stats=stats_recorder, alerts=alerts_repo
    )
    return unit


def check_policy() -> payment_cases.CheckPolicy:
    return payment_cases.CheckPolicy(
        recover_after=timedelta(seconds=settings.PAYMENT_RECOVER_AFTER_SECONDS),
        first_check=timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS),
        max_interval=timedelta(seconds=settings.PAYMENT_RECONCILE_MAX_INTERVAL_SECONDS),
        checkout_ttl=timedelta(seconds=settings.HOSTED_CHECKOUT_TTL_SECONDS),
        expiry_grace=timedelta(seconds=settings.HOSTED_CHECKOUT_EXPIRY_GRACE_SECONDS),
    )


def deps() -> payment_cases.PaymentsDeps:
    c = container()
    base = settings.PUBLIC_BASE_URL
    return payment_cases.PaymentsDeps(
        gateways=GATEWAYS,
        fingerprinter=HmacCardFingerprinter(settings.CARD_FINGERPRINT_KEY),
        clock=c.clock,
        publish=c.publish,
        notify_url_for={
            "cashfree": f"{base}/api/v1/webhooks/cashfree",
            "sslcommerz": f"{base}/api/v1/webhooks/sslcommerz",
        },
        checks=check_policy(),
        limits=amount_limits(),
        sandbox_methods=deployment.sandbox_methods(),
    )


def create_order(seller_id: str, command: order_cases.CreateOrder) -> Order:
    return order_cases.order_create(
        uow=uow(),
        seller_id=seller_id,
        command=command,
        clock=container().clock,
        publish=container().publish,
        limits=amount_limits(),
    )


def get_order(principal: Principal, order_id: str) -> Order:
    return order_cases.order_get(orders=orders_repo, principal=principal, order_id=order_id)


def list_orders(principal: Principal, filters: OrderFilter, page: PageRequest) -> Page[Order]:
    return order_cases.orders_list(orders=orders_repo, principal=principal, filters=filters, page=page)


def cancel_order(principal: Principal, order_id: str) -> Order:
    return order_cases.order_cancel(
        uow=uow(), principal=principal, order_id=order_id, clock=container().clock, publish=container().publish
    )


def create_payment(principal: Principal, command: payment_cases.CreatePayment) -> Payment:
    return payment_cases.payment_create(uow=uow(), principal=principal, command=command, deps=deps())


def check_payment_method(method: str, bank_reference: str | None) -> None:
    payment_cases.payment_method_check(method=method, bank_reference=bank_reference, deps=deps())


def get_payment(principal: Principal, payment_id: str) -> Payment:
    return payment_cases.payment_get(uow=uow(), principal=principal, payment_id=payment_id)


def list_payments(principal: Principal, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
    return payment_cases.payments_list(payments=payments_repo, principal=principal, filters=filters, page=page)


def capture_payment(principal: Principal, payment_id: str) -> Payment:
    return payment_cases.payment_capture(uow=uow(), principal=principal, payment_id=payment_id, deps=deps())


def confirm_payment(principal: Principal, payment_id: str) -> Payment:
    return payment_cases.payment_confirm(uow=uow(), principal=principal, payment_id=payment_id, deps=deps())


def settle_payment(payment_id: str, result: GatewayResult) -> Payment | None:
    """For gateway webhooks and IPNs: apply what the processor said, exactly once."""
    return payment_cases.payment_settle(uow=uow(), payment_id=payment_id, result=result, deps=deps())


def create_refund(principal: Principal, command: refund_cases.CreateRefund) -> Refund:
    return refund_cases.refund_create(uow=uow(), principal=principal, command=command, deps=deps())


def confirm_refund(principal: Principal, refund_id: str, reference: str) -> Refund:
    return refund_cases.refund_confirm(
        uow=uow(), principal=principal, refund_id=refund_id, reference=reference, deps=deps()
    )


def list_alerts(principal: Principal, filters: AlertFilter, page: PageRequest) -> Page[Alert]:
    return alert_cases.alerts_list(alerts=alerts_repo, principal=principal, filters=filters, page=page)


def get_refund(principal: Principal, refund_id: str) -> Refund:
    return refund_cases.refund_get(uow=uow(), principal=principal, refund_id=refund_id)


def list_refunds(principal: Principal, filters: RefundFilter, page: PageRequest) -> Page[Refund]:
    return refund_cases.refunds_list(refunds=refunds_repo, principal=principal, filters=filters, page=page)


def merchant_stats(principal: Principal, since: date | None) -> stats_cases.StatsSummary:
    return stats_cases.merchant_stats(query=stats_query, principal=principal, since=since)


def admin_stats(principal: Principal, merchant_id: str | None, since: date | None) -> Any:
    return stats_cases.admin_stats(query=stats_query, principal=principal, merchant_id=merchant_id, since=since)


def reconcile_pending(*, all_due_now: bool = False) -> dict[str, int]:
    """Payments whose next check is due: unanswered intents are recovered, checkouts asked about.
    ``all_due_now`` (tests, an operator's manual run) treats every scheduled check as due."""
    horizon = timedelta(days=3650) if all_due_now else timedelta(0)
    return reconciliation.payments_reconcile(uow=uow(), deps=deps(), horizon=horizon)


def recover_refunds() -> dict[str, int]:
    """Refund intents a crash or a timeout left between phases, sent again with the same key."""
    return refund_cases.refunds_recover(
        uow=uow(), deps=deps(), older_than=timedelta(seconds=settings.PAYMENT_RECOVER_AFTER_SECONDS)
    )


def expire_orders() -> int:
    return reconciliation.orders_expire(uow=uow(), deps=deps())
