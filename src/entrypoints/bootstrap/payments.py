"""Payments wiring: the Django repositories, the provider registry, card fingerprints, limits, check policy."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.crypto.card_fingerprint import HmacCardFingerprinter
from adapters.django_orm.payments import conf
from adapters.django_orm.payments.repositories import (
    DjangoAlertRepository,
    DjangoOrderRepository,
    DjangoPaymentRepository,
    DjangoRefundRepository,
)
from adapters.django_orm.payments.stats import DjangoStatsQuery, DjangoStatsRecorder
from application.payments.ports import PaymentGateway
from application.payments.services import PaymentsServices
from entrypoints import deployment
from entrypoints.bootstrap.platform import Platform


def build(built: Platform, *, gateways: Mapping[str, PaymentGateway]) -> PaymentsServices:
    orders, payments, refunds = DjangoOrderRepository(), DjangoPaymentRepository(), DjangoRefundRepository()
    alerts, stats = DjangoAlertRepository(), DjangoStatsRecorder()
    return PaymentsServices(
        uow=built.uow_factory(orders=orders, payments=payments, refunds=refunds, stats=stats, alerts=alerts),
        orders=orders,
        payments=payments,
        refunds=refunds,
        alerts=alerts,
        stats=DjangoStatsQuery(),
        gateways=gateways,
        fingerprinter=HmacCardFingerprinter.from_settings(),
        clock=built.clock,
        publish=built.events_publish,
        notify_url_for=conf.notify_urls(),
        checks=conf.check_policy(),
        limits=conf.amount_limits(),
        sandbox_methods=deployment.sandbox_methods(),
    )
