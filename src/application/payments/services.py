"""Payments' use cases bound to their adapters: what routers, tasks, handlers and other contexts call.

The composition root builds one ``PaymentsServices`` with Django adapters and the provider registry
(as ``gateways``: a payment method's ``PaymentGateway``); tests build it with fakes. Each method keeps
its use case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from application.payments import alerts as alert_cases
from application.payments import gateway_news, reconciliation
from application.payments import orders as order_cases
from application.payments import payments as payment_cases
from application.payments import refunds as refund_cases
from application.payments import stats as stats_cases
from application.payments.deps import CheckPolicy, PaymentsDeps
from application.payments.ports import (
    AlertFilter,
    AlertRepository,
    CardFingerprinter,
    EventPublisher,
    GatewayResult,
    OrderFilter,
    OrderRepository,
    PaymentFilter,
    PaymentGateway,
    PaymentRepository,
    PaymentsUnitOfWork,
    RefundFilter,
    RefundRepository,
)
from application.payments.unit_of_work import publishing
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.payments.alert import Alert
from domain.payments.limits import AmountLimits
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.payments.refund import Refund
from domain.shared.clock import Clock
from domain.shared.money import Money

# An operator's manual run (and tests) of reconciliation treat every scheduled check as due now.
ALL_DUE_HORIZON = timedelta(days=3650)


@dataclass(slots=True)
class PaymentsServices:
    uow: Callable[[], PaymentsUnitOfWork]
    orders: OrderRepository
    payments: PaymentRepository
    refunds: RefundRepository
    alerts: AlertRepository
    stats: stats_cases.StatsQuery
    # By payment method: what this deployment offers (the provider registry).
    gateways: Mapping[str, PaymentGateway]
    fingerprinter: CardFingerprinter
    clock: Clock
    publish: EventPublisher
    # Where each hosted provider posts its news (webhook, IPN), by method.
    notify_url_for: Mapping[str, str]
    checks: CheckPolicy
    limits: AmountLimits
    # Methods whose gateway is a sandbox here: their payments are made with livemode false.
    sandbox_methods: frozenset[str]

    def __post_init__(self) -> None:
        # Every unit of work publishes what its orders, payments and refunds emitted as it commits.
        self.uow = publishing(self.uow, lambda: self.publish)

    def deps(self) -> PaymentsDeps:
        """The ports a payment use case needs beyond its unit of work (marketplace's checkout needs them too)."""
        return PaymentsDeps(
            gateways=self.gateways,
            fingerprinter=self.fingerprinter,
            clock=self.clock,
            publish=self.publish,
            notify_url_for=self.notify_url_for,
            checks=self.checks,
            limits=self.limits,
            sandbox_methods=self.sandbox_methods,
        )

    # --- orders -------------------------------------------------------------------------------

    def order_create(self, *, seller_id: str, command: order_cases.CreateOrder) -> Order:
        return order_cases.order_create(
            uow=self.uow(),
            seller_id=seller_id,
            command=command,
            clock=self.clock,
            limits=self.limits,
        )

    def order_get(self, *, principal: Principal, order_id: str) -> Order:
        return order_cases.order_get(orders=self.orders, principal=principal, order_id=order_id)

    def orders_list(self, *, principal: Principal, filters: OrderFilter, page: PageRequest) -> Page[Order]:
        return order_cases.orders_list(orders=self.orders, principal=principal, filters=filters, page=page)

    def order_cancel(self, *, principal: Principal, order_id: str) -> Order:
        return order_cases.order_cancel(uow=self.uow(), principal=principal, order_id=order_id, clock=self.clock)

    def orders_expire(self) -> int:
        return reconciliation.orders_expire(uow=self.uow(), deps=self.deps())

    # --- payments -----------------------------------------------------------------------------

    def payment_create(self, *, principal: Principal, command: payment_cases.CreatePayment) -> Payment:
        return payment_cases.payment_create(uow=self.uow(), principal=principal, command=command, deps=self.deps())

    def payment_method_check(self, *, method: str, bank_reference: str | None) -> None:
        """Refuses a method this deployment does not offer (or a transfer without its reference), recording nothing."""
        payment_cases.payment_method_check(method=method, bank_reference=bank_reference, deps=self.deps())

    def payment_get(self, *, principal: Principal, payment_id: str) -> Payment:
        return payment_cases.payment_get(uow=self.uow(), principal=principal, payment_id=payment_id)

    def payment_for_return(self, *, payment_id: str) -> Payment | None:
        """For the browser return pages, which anyone may open: read only, never a state change."""
        return self.payments.get(payment_id)

    def payments_list(self, *, principal: Principal, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
        return payment_cases.payments_list(payments=self.payments, principal=principal, filters=filters, page=page)

    def payment_capture(self, *, principal: Principal, payment_id: str) -> Payment:
        return payment_cases.payment_capture(
            uow=self.uow(), principal=principal, payment_id=payment_id, deps=self.deps()
        )

    def payment_confirm(self, *, principal: Principal, payment_id: str) -> Payment:
        return payment_cases.payment_confirm(
            uow=self.uow(), principal=principal, payment_id=payment_id, deps=self.deps()
        )

    def payment_settle(self, *, payment_id: str, result: GatewayResult) -> Payment | None:
        """For gateway webhooks and IPNs: apply what the processor said, exactly once."""
        return payment_cases.payment_settle(uow=self.uow(), payment_id=payment_id, result=result, deps=self.deps())

    def payment_cancel_at_provider(self, *, payment_id: str) -> str:
        return reconciliation.payment_cancel_at_provider(uow=self.uow(), payment_id=payment_id, deps=self.deps())

    def payments_reconcile(self, *, all_due_now: bool = False) -> dict[str, int]:
        """Payments whose next check is due: unanswered intents are recovered, checkouts asked about.
        ``all_due_now`` (tests, an operator's manual run) treats every scheduled check as due."""
        horizon = ALL_DUE_HORIZON if all_due_now else timedelta(0)
        return reconciliation.payments_reconcile(uow=self.uow(), deps=self.deps(), horizon=horizon)

    # --- what providers tell us beyond paid or failed -----------------------------------------

    def payment_hold_for_review(self, *, payment_id: str, review: dict[str, Any]) -> Payment | None:
        return gateway_news.payment_hold_for_review(
            uow=self.uow(), payment_id=payment_id, review=review, clock=self.clock
        )

    def payment_review_decide(self, *, principal: Principal, payment_id: str, approve: bool, note: str) -> Payment:
        return gateway_news.payment_review_decide(
            uow=self.uow(),
            settle_uow=self.uow(),
            principal=principal,
            payment_id=payment_id,
            approve=approve,
            note=note,
            deps=self.deps(),
        )

    def payment_alert(self, *, payment_id: str, alert: dict[str, Any]) -> None:
        gateway_news.payment_alert(uow=self.uow(), payment_id=payment_id, alert=alert, clock=self.clock)

    def refund_settle(
        self, *, payment_id: str, refund_id: str, status: str, reference: str, message: str, amount: Money | None
    ) -> str:
        return gateway_news.refund_settle(
            uow=self.uow(),
            payment_id=payment_id,
            refund_id=refund_id,
            status=status,
            reference=reference,
            message=message,
            amount=amount,
            deps=self.deps(),
        )

    # --- refunds ------------------------------------------------------------------------------

    def refund_create(self, *, principal: Principal, command: refund_cases.CreateRefund) -> Refund:
        return refund_cases.refund_create(uow=self.uow(), principal=principal, command=command, deps=self.deps())

    def refund_submit(self, *, refund_id: str) -> Refund:
        return refund_cases.refund_submit(uow=self.uow(), refund_id=refund_id, deps=self.deps())

    def refund_confirm(self, *, principal: Principal, refund_id: str, reference: str) -> Refund:
        return refund_cases.refund_confirm(
            uow=self.uow(), principal=principal, refund_id=refund_id, reference=reference, deps=self.deps()
        )

    def refund_get(self, *, principal: Principal, refund_id: str) -> Refund:
        return refund_cases.refund_get(uow=self.uow(), principal=principal, refund_id=refund_id)

    def refunds_list(self, *, principal: Principal, filters: RefundFilter, page: PageRequest) -> Page[Refund]:
        return refund_cases.refunds_list(refunds=self.refunds, principal=principal, filters=filters, page=page)

    def refunds_recover(self) -> dict[str, int]:
        """Refund intents a crash or a timeout left between phases, sent again with the same key."""
        return refund_cases.refunds_recover(uow=self.uow(), deps=self.deps(), older_than=self.checks.recover_after)

    # --- alerts and stats ---------------------------------------------------------------------

    def alerts_list(self, *, principal: Principal, filters: AlertFilter, page: PageRequest) -> Page[Alert]:
        return alert_cases.alerts_list(alerts=self.alerts, principal=principal, filters=filters, page=page)

    def merchant_stats(self, *, principal: Principal, since: date | None) -> stats_cases.StatsSummary:
        return stats_cases.merchant_stats(query=self.stats, principal=principal, since=since)

    def stats_fold(self, *, batch: int = 10_000) -> int:
        return stats_cases.stats_fold(query=self.stats, batch=batch)

    def admin_stats(
        self, *, principal: Principal, merchant_id: str | None, since: date | None
    ) -> tuple[stats_cases.StatsSummary, stats_cases.PlatformCounts | None]:
        return stats_cases.admin_stats(query=self.stats, principal=principal, merchant_id=merchant_id, since=since)
