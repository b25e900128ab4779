"""Payments wiring: the Django repositories, the provider registry, card fingerprints, limits, check policy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings

from adapters.crypto.card_fingerprint import HmacCardFingerprinter
from adapters.django_orm.payments.repositories import (
    DjangoAlertRepository,
    DjangoOrderRepository,
    DjangoPaymentRepository,
    DjangoRefundRepository,
)
from adapters.django_orm.payments.stats import DjangoStatsQuery, DjangoStatsRecorder
from application.payments.deps import CheckPolicy
from application.payments.ports import PaymentGateway, PaymentsUnitOfWork
from application.payments.services import PaymentsServices
from domain.payments.limits import AmountLimits, parse_overrides
from entrypoints import deployment
from entrypoints.bootstrap.platform import Platform


def build(built: Platform, *, gateways: Mapping[str, PaymentGateway]) -> PaymentsServices:
    orders, payments, refunds = DjangoOrderRepository(), DjangoPaymentRepository(), DjangoRefundRepository()
    alerts, stats = DjangoAlertRepository(), DjangoStatsRecorder()

    def uow() -> PaymentsUnitOfWork:
        unit: PaymentsUnitOfWork = built.uow(
            orders=orders, payments=payments, refunds=refunds, stats=stats, alerts=alerts
        )
        return unit

    base = settings.PUBLIC_BASE_URL
    return PaymentsServices(
        uow=uow,
        orders=orders,
        payments=payments,
        refunds=refunds,
        alerts=alerts,
        stats=DjangoStatsQuery(),
        gateways=gateways,
        fingerprinter=HmacCardFingerprinter(settings.CARD_FINGERPRINT_KEY),
        clock=built.clock,
        publish=built.publish,
        notify_url_for={
            "cashfree": f"{base}/api/v1/webhooks/cashfree",
            "sslcommerz": f"{base}/api/v1/webhooks/sslcommerz",
        },
        checks=CheckPolicy(
            recover_after=timedelta(seconds=settings.PAYMENT_RECOVER_AFTER_SECONDS),
            first_check=timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS),
            max_interval=timedelta(seconds=settings.PAYMENT_RECONCILE_MAX_INTERVAL_SECONDS),
            checkout_ttl=timedelta(seconds=settings.HOSTED_CHECKOUT_TTL_SECONDS),
            expiry_grace=timedelta(seconds=settings.HOSTED_CHECKOUT_EXPIRY_GRACE_SECONDS),
        ),
        limits=AmountLimits(
            default=settings.MAX_PAYMENT_AMOUNT, per_currency=parse_overrides(settings.MAX_PAYMENT_AMOUNT_BY_CURRENCY)
        ),
        sandbox_methods=deployment.sandbox_methods(),
    )
