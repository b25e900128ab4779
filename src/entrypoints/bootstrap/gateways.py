"""Gateways wiring: Cashfree and SSLCommerz in the payments registry, their webhooks, the event store.

Without credentials a gateway talks to its local simulator (``/simulators/...``, fixed development
credentials) if ``SANDBOX_COMPONENTS`` names it (the default outside production; never in production),
otherwise it is not offered at all. Adapters are rebuilt from settings with every container, so tests can point them at
a server of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import structlog
from django.conf import settings

from adapters.django_orm.gateways.repository import DjangoInboundEventRepository, pending_gateway_refunds
from adapters.gateways.cashfree import CashfreeConfig, CashfreeGateway, CashfreeWebhooks
from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.gateways.provider_http import ProviderHttp
from adapters.gateways.sslcommerz import SslcommerzConfig, SslcommerzGateway, SslcommerzIpn
from application.gateways import use_cases
from application.gateways.ports import (
    ExpectedPayment,
    GatewayUnavailable,
    InboundEventFilter,
    InboundInterpreter,
    PendingRefund,
    RefundNews,
    RefundStatusSource,
    Settled,
)
from application.payments import gateway_news
from application.payments.ports import GatewayResult
from application.shared.outbox import Attempt, RetryLater
from application.shared.pagination import Page, PageRequest
from domain.gateways.inbound_event import InboundEvent
from domain.identity.user import Principal
from domain.payments.payment import Payment
from entrypoints.bootstrap import Container, container
from entrypoints.bootstrap import payments as payments_wiring

log = structlog.get_logger("partnerpay.gateways")

INTERPRETERS = "gateways.interpreters"
REFUND_SOURCES = "gateways.refund_sources"
# About a day of retries (5 s doubling, capped at an hour) before an event is marked failed.
PROCESS_MAX_ATTEMPTS = 30

# Tests may route every provider call through a transport of their own (e.g. httpx.WSGITransport).
HTTP_TRANSPORT: httpx.BaseTransport | None = None

inbound_events = DjangoInboundEventRepository()


def _http(base_url: str) -> ProviderHttp:
    return ProviderHttp(base_url=base_url, timeout=settings.GATEWAY_HTTP_TIMEOUT_SECONDS, transport=HTTP_TRANSPORT)


def _offered(simulated: bool, component: str) -> bool:
    return not simulated or component in settings.SANDBOX_COMPONENTS


def build_cashfree() -> tuple[CashfreeGateway, CashfreeWebhooks]:
    config = CashfreeConfig(
        base_url=settings.CASHFREE_BASE_URL,
        client_id=settings.CASHFREE_CLIENT_ID,
        client_secret=settings.CASHFREE_CLIENT_SECRET,
        api_version=settings.CASHFREE_API_VERSION,
        environment=settings.CASHFREE_ENVIRONMENT,
        return_url=f"{settings.PUBLIC_BASE_URL}/api/v1/gateways/cashfree/return",
        # Cashfree itself takes only https callbacks; a provider reached over http is a simulator or a test.
        allow_http_callbacks=not settings.CASHFREE_BASE_URL.startswith("https://"),
        previous_secrets=(settings.CASHFREE_PREVIOUS_CLIENT_SECRET,)
        if settings.CASHFREE_PREVIOUS_CLIENT_SECRET
        else (),
        timeout=settings.GATEWAY_HTTP_TIMEOUT_SECONDS,
    )
    gateway = CashfreeGateway(config, http=_http(config.base_url.removesuffix("/pg")))
    return gateway, CashfreeWebhooks(secrets=(config.client_secret, *config.previous_secrets))


def build_sslcommerz() -> tuple[SslcommerzGateway, SslcommerzIpn]:
    config = SslcommerzConfig(
        base_url=settings.SSLCOMMERZ_BASE_URL,
        store_id=settings.SSLCOMMERZ_STORE_ID,
        store_password=settings.SSLCOMMERZ_STORE_PASSWORD,
        return_base_url=f"{settings.PUBLIC_BASE_URL}/api/v1/gateways/sslcommerz/return",
        timeout=settings.GATEWAY_HTTP_TIMEOUT_SECONDS,
    )
    gateway = SslcommerzGateway(config, http=_http(config.base_url))
    return gateway, SslcommerzIpn(gateway)


def wire(built: Container) -> None:
    interpreters: dict[str, InboundInterpreter] = {}
    refund_sources: dict[str, RefundStatusSource] = {}
    if _offered(settings.CASHFREE_SIMULATED, "cashfree"):
        cashfree, webhooks = build_cashfree()
        payments_wiring.register_gateway("cashfree", cashfree)
        interpreters["cashfree"] = webhooks
        refund_sources["cashfree"] = OutsideTransactions(cashfree, name="cashfree_refunds")
    else:
        payments_wiring.GATEWAYS.pop("cashfree", None)
    if _offered(settings.SSLCOMMERZ_SIMULATED, "sslcommerz"):
        sslcommerz, ipn = build_sslcommerz()
        payments_wiring.register_gateway("sslcommerz", sslcommerz)
        interpreters["sslcommerz"] = ipn
        refund_sources["sslcommerz"] = OutsideTransactions(sslcommerz, name="sslcommerz_refunds")
    else:
        payments_wiring.GATEWAYS.pop("sslcommerz", None)
    built.extras[INTERPRETERS] = interpreters
    built.extras[REFUND_SOURCES] = refund_sources

    def process_job(payload: dict[str, Any], *, attempt: Attempt) -> None:
        try:
            _process(built, str(payload["inbound_event_id"]), last_attempt=attempt.is_last)
        except GatewayUnavailable as exc:
            raise RetryLater(str(exc)) from None

    built.subscriptions.subscribe(use_cases.PROCESS_TOPIC, process_job, max_attempts=PROCESS_MAX_ATTEMPTS)


class DjangoPaymentEffects:
    """The payments use cases an inbound event may trigger, each in a unit of work of its own (nested
    in the caller's transaction when there is one)."""

    def expected(self, payment_id: str) -> ExpectedPayment | None:
        payment = payments_wiring.payments_repo.get(payment_id)
        if payment is None:
            return None
        return ExpectedPayment(payment_id=str(payment.id), amount=payment.amount, status=payment.status.value)

    def settle(self, payment_id: str, result: GatewayResult) -> Settled:
        payment = payments_wiring.settle_payment(payment_id, result)
        if payment is None:
            return Settled("missing")
        unexpected = payment.gateway_data.get("unexpected_capture")
        returned = (
            str(unexpected.get("code") or "") if isinstance(unexpected, dict) and result.status == "captured" else ""
        )
        return Settled(payment.status.value, payment.failure_code, returned=returned)

    def hold(self, payment_id: str, review: dict[str, Any]) -> Settled:
        payment = gateway_news.payment_hold_for_review(
            uow=payments_wiring.uow(), payment_id=payment_id, review=review, clock=container().clock
        )
        return Settled(payment.status.value if payment else "missing")

    def settle_refund(self, payment_id: str, news: RefundNews) -> str:
        return gateway_news.refund_settle(
            uow=payments_wiring.uow(),
            payment_id=payment_id,
            refund_id=news.refund_id,
            status=news.status,
            reference=news.reference,
            message=news.message,
            amount=news.amount,
            deps=payments_wiring.deps(),
        )

    def alert(self, payment_id: str, alert: dict[str, Any]) -> None:
        log.warning("gateway_alert", payment_id=payment_id, **{k: v for k, v in alert.items() if k != "message"})
        gateway_news.payment_alert(
            uow=payments_wiring.uow(), payment_id=payment_id, alert=alert, clock=container().clock
        )

    def pending_refunds(self, *, methods: Sequence[str], limit: int) -> Sequence[PendingRefund]:
        return pending_gateway_refunds(methods=methods, limit=limit)


effects = DjangoPaymentEffects()


def _interpreters(built: Container) -> dict[str, InboundInterpreter]:
    found: dict[str, InboundInterpreter] = built.extras.get(INTERPRETERS, {})
    return found


def _process(built: Container, event_id: str, *, last_attempt: bool = False) -> InboundEvent | None:
    return use_cases.inbound_event_process(
        uow=built.uow(inbound_events=inbound_events),
        event_id=event_id,
        interpreters=_interpreters(built),
        effects=effects,
        clock=built.clock,
        last_attempt=last_attempt,
    )


# --- what routers and jobs call -------------------------------------------------------------


def offered(source: str) -> bool:
    return source in _interpreters(container())


def receive(source: str, body: bytes, headers: dict[str, str]) -> use_cases.Received:
    built = container()
    return use_cases.inbound_event_receive(
        uow=built.uow(inbound_events=inbound_events),
        interpreter=_interpreters(built)[source],
        effects=effects,
        command=use_cases.ReceiveInbound(source=source, body=body, headers=headers),
        clock=built.clock,
    )


def process(event_id: str) -> InboundEvent | None:
    """Acts on a stored event now (the webhook answers with the outcome). Raises GatewayUnavailable;
    the event's outbox job retries it either way."""
    return _process(container(), event_id)


def replay(event_id: str) -> InboundEvent:
    built = container()
    event = use_cases.inbound_event_replay(
        uow=built.uow(inbound_events=inbound_events), event_id=event_id, clock=built.clock
    )
    try:
        return _process(built, event_id) or event
    except GatewayUnavailable:
        return use_cases.inbound_event_get(events=inbound_events, event_id=event_id)


def get_event(event_id: str) -> InboundEvent:
    return use_cases.inbound_event_get(events=inbound_events, event_id=event_id)


def list_events(filters: InboundEventFilter, page: PageRequest) -> Page[InboundEvent]:
    return use_cases.inbound_events_list(events=inbound_events, filters=filters, page=page)


def decide_review(principal: Principal, payment_id: str, *, approve: bool, note: str) -> Payment:
    return gateway_news.payment_review_decide(
        uow=payments_wiring.uow(),
        settle_uow=payments_wiring.uow(),
        principal=principal,
        payment_id=payment_id,
        approve=approve,
        note=note,
        deps=payments_wiring.deps(),
    )


def payment_for_return(payment_id: str) -> Payment | None:
    """For the browser return pages: read only, never a state change."""
    return payments_wiring.payments_repo.get(payment_id)


def reconcile_refunds(limit: int = 100) -> dict[str, int]:
    sources: dict[str, RefundStatusSource] = container().extras.get(REFUND_SOURCES, {})
    return use_cases.gateway_refunds_reconcile(sources=sources, effects=effects, limit=limit)
