"""Payments wiring: repositories, gateway registry, fingerprints, stats, reconciliation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings

from adapters.django_orm.payments.repositories import (
    DjangoOrderRepository,
    DjangoPaymentRepository,
    DjangoRefundRepository,
)
from adapters.django_orm.payments.stats import DjangoStatsQuery, DjangoStatsRecorder
from adapters.gateways.card_fingerprint import HmacCardFingerprinter
from adapters.gateways.sandbox_card import BankTransferGateway, SandboxCardGateway
from application.payments import orders as order_cases
from application.payments import payments as payment_cases
from application.payments import refunds as refund_cases
from application.payments import stats as stats_cases
from application.payments.ports import (
    GatewayResult,
    OrderFilter,
    PaymentFilter,
    PaymentGateway,
    PaymentsUnitOfWork,
    RefundFilter,
)
from application.payments.reconciliation import payments_reconcile
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from entrypoints.bootstrap import Container, container, deployment

orders_repo = DjangoOrderRepository()
payments_repo = DjangoPaymentRepository()
refunds_repo = DjangoRefundRepository()
stats_recorder = DjangoStatsRecorder()
stats_query = DjangoStatsQuery()

# Gateways by method name. Other contexts (Cashfree, SSLCommerz) register theirs in their wire().
GATEWAYS: dict[str, PaymentGateway] = {}


def wire(built: Container) -> None:
    # No real card acquirer exists yet: ``card`` is the sandbox processor, wired only when SANDBOX_COMPONENTS
    # names it (the default outside production). Otherwise card payments are 422 payment_method_unavailable.
    if "card" in settings.SANDBOX_COMPONENTS:
        GATEWAYS.setdefault("card", SandboxCardGateway(sleep=getattr(settings, "SANDBOX_CARD_DELAYS", True)))
    else:
        GATEWAYS.pop("card", None)
    # A bank transfer is real money confirmed by an admin: always live.
    GATEWAYS.setdefault("bank_transfer", BankTransferGateway())


def uow() -> PaymentsUnitOfWork:
    unit: PaymentsUnitOfWork = container().uow(
        orders=orders_repo, payments=payments_repo, refunds=refunds_repo, stats=stats_recorder
    )
    return unit


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
        sandbox_methods=deployment.sandbox_methods(),
    )


def create_order(seller_id: str, command: order_cases.CreateOrder) -> Order:
    return order_cases.order_create(
        uow=uow(), seller_id=seller_id, command=command, clock=container().clock, publish=container().publish
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


def get_refund(principal: Principal, refund_id: str) -> Refund:
    return refund_cases.refund_get(uow=uow(), principal=principal, refund_id=refund_id)


def list_refunds(principal: Principal, filters: RefundFilter, page: PageRequest) -> Page[Refund]:
    return refund_cases.refunds_list(refunds=refunds_repo, principal=principal, filters=filters, page=page)


def merchant_stats(principal: Principal, since: date | None) -> stats_cases.StatsSummary:
    return stats_cases.merchant_stats(query=stats_query, principal=principal, since=since)


def admin_stats(principal: Principal, merchant_id: str | None, since: date | None) -> Any:
    return stats_cases.admin_stats(query=stats_query, principal=principal, merchant_id=merchant_id, since=since)


def reconcile_pending(older_than_seconds: float | None = None) -> dict[str, int]:
    wait = older_than_seconds if older_than_seconds is not None else settings.PAYMENT_RECONCILE_AFTER_SECONDS
    return payments_reconcile(payments=payments_repo, new_uow=uow, deps=deps(), older_than=timedelta(seconds=wait))
