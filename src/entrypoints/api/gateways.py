"""Gateway webhooks (Cashfree, SSLCommerz IPN), browser return pages, and the inbound event admin.

Webhooks read the raw body (signatures cover its exact bytes), store the call before acting on it,
then act at once so the answer tells the sender the outcome:

- 200: stored and acted on (or a redelivery of an event already acted on: nothing happens twice);
- 401 ``invalid_signature``: bad, missing or stale signature — logged, never acted on;
- 404 ``unknown_payment``: authentic but names no payment of ours — logged; the sender retries;
- 503 ``gateway_unavailable``: the provider could not be asked (SSLCommerz validation API); the event
  is stored and its outbox job retries it, so the sender's retry is welcome but not needed.

Return pages only read: the payment changes through webhooks, IPNs and reconciliation, never because
a browser came back saying "success".
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from ninja import Query, Router, Schema
from pydantic import Field

from application.gateways.ports import GatewayUnavailable, InboundEventFilter
from domain.gateways.inbound_event import InboundEvent, InboundSource, InboundStatus
from domain.payments.payment import Payment
from entrypoints.api.auth import ADMIN, client_ip, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments import PaymentOut, payment_out
from entrypoints.api.problems import problem_response
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema, Problem
from entrypoints.bootstrap import gateways, limits

router = Router(tags=["gateways"])
admin_router = Router(tags=["gateways"])

RETRY_AFTER_SECONDS = 60
WEBHOOK_RESPONSES: dict[int, Any] = {200: None, 401: Problem, 404: Problem, 422: Problem, 429: Problem, 503: Problem}


class WebhookAck(Schema):
    received: bool
    inbound_event_id: str
    status: InboundStatus
    outcome: str | None
    duplicate: bool = Field(description="A redelivery of an event already stored: nothing is done twice")


WEBHOOK_RESPONSES[200] = WebhookAck


class InboundEventOut(Schema):
    id: str
    source: InboundSource
    event_type: str
    dedupe_key: str
    signature_valid: bool
    status: InboundStatus
    outcome: str | None
    error: str | None
    payment_id: str | None
    attempts: int = Field(description="Processing attempts so far")
    deliveries: int = Field(description="Times the sender delivered this event")
    headers: dict[str, str]
    body: str = Field(description="The raw body as received (text)")
    received_at: datetime
    last_received_at: datetime
    processed_at: datetime | None


class InboundEventPage(Schema):
    items: list[InboundEventOut]
    next_cursor: str | None


class InboundEventQuery(PageQuery):
    source: InboundSource | None = None
    status: InboundStatus | None = None
    signature_valid: bool | None = None
    payment_id: str | None = Field(default=None, max_length=64)


class RiskReviewIn(InputSchema):
    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=500)


def event_out(event: InboundEvent) -> InboundEventOut:
    return InboundEventOut(
        id=str(event.id),
        source=event.source,
        event_type=event.event_type,
        dedupe_key=event.dedupe_key,
        signature_valid=event.signature_valid,
        status=event.status,
        outcome=event.outcome or None,
        error=event.error or None,
        payment_id=event.payment_id or None,
        attempts=event.attempts,
        deliveries=event.deliveries,
        headers=event.headers,
        body=event.body,
        received_at=event.received_at,
        last_received_at=event.last_received_at,
        processed_at=event.processed_at,
    )


# --- webhooks -----------------------------------------------------------------------------------


def _inbound(request: HttpRequest, source: str) -> HttpResponse:
    if not gateways.offered(source):
        return problem_response(503, "gateway_unavailable", f"The {source} gateway is not configured")
    # Per gateway and sending address, before anything is verified or stored (forged floods included).
    limits.check(
        f"gateway-webhook:{source}:{client_ip(request)}", rate_setting="GATEWAY_WEBHOOK_RATE", default="600/minute"
    )
    headers = {name.lower(): value for name, value in request.headers.items()}
    received = gateways.receive(source, request.body, headers)
    event = received.event
    extra = {"inbound_event_id": str(event.id)}
    if not event.signature_valid:
        return problem_response(401, "invalid_signature", event.error or "Invalid signature", extra=extra)
    if event.status is InboundStatus.UNMATCHED:
        return problem_response(404, "unknown_payment", "No payment of ours matches this event", extra=extra)
    if event.is_actionable:
        try:
            event = gateways.process(str(event.id)) or event
        except GatewayUnavailable as exc:
            return problem_response(
                503,
                "gateway_unavailable",
                f"{exc}. The event is stored and will be processed; retrying is safe.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                extra=extra,
            )
    ack = WebhookAck(
        received=True,
        inbound_event_id=str(event.id),
        status=event.status,
        outcome=event.outcome or None,
        duplicate=not received.created,
    )
    return HttpResponse(ack.model_dump_json(), content_type="application/json")


@router.post(
    "/webhooks/cashfree",
    response=WEBHOOK_RESPONSES,
    operation_id="webhooks_cashfree",
    summary="Cashfree payment and refund webhooks",
    description="Verifies `x-webhook-signature` (base64 HMAC-SHA256 of `x-webhook-timestamp` + raw body with "
    "the client secret; timestamp within 5 minutes), stores the event, then acts on it once. Dedupe key: "
    "type + `cf_payment_id` (refunds: type + `cf_refund_id` + status).",
)
def webhooks_cashfree(request: HttpRequest) -> HttpResponse:
    return _inbound(request, "cashfree")


@router.post(
    "/webhooks/sslcommerz",
    response=WEBHOOK_RESPONSES,
    operation_id="webhooks_sslcommerz",
    summary="SSLCommerz IPN (form-encoded)",
    description="Verifies `verify_sign` over the fields named in `verify_key`, stores the IPN, then confirms it "
    "with SSLCommerz's validation API (status, tran_id, amount, currency) before acting. `risk_level=1` holds "
    "the payment for an admin's review.",
)
def webhooks_sslcommerz(request: HttpRequest) -> HttpResponse:
    return _inbound(request, "sslcommerz")


# --- browser return pages ---------------------------------------------------------------------


def _return_page(request: HttpRequest, payment_id: str, reported: str) -> HttpResponse:
    payment = gateways.payment_for_return(payment_id) if payment_id else None
    if payment is None:
        return problem_response(404, "not_found", "No such payment")
    view = {
        "payment_id": str(payment.id),
        "status": payment.status.value,
        "amount": payment.amount.to_decimal_string(),
        "currency": payment.amount.currency,
        "gateway_reported": reported or None,
        "continue_url": _continue_url(payment),
    }
    if "application/json" in request.headers.get("Accept", ""):
        return HttpResponse(json.dumps(view), content_type="application/json")
    return HttpResponse(_html(view), content_type="text/html; charset=utf-8")


def _continue_url(payment: Payment) -> str | None:
    url = payment.gateway_data.get("merchant_return_url")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _html(view: dict[str, Any]) -> str:
    status = view["status"]
    waiting = status == "pending"
    refresh = '<meta http-equiv="refresh" content="3">' if waiting else ""
    headline = {
        "captured": "Payment received",
        "failed": "Payment failed",
        "pending": "Confirming your payment…",
    }.get(status, f"Payment {status}")
    note = "This page refreshes until the gateway confirms the payment." if waiting else ""
    link = f'<p><a href="{escape(view["continue_url"])}">Continue</a></p>' if view["continue_url"] else ""
    reported = (
        f"<p>The gateway sent you back with: {escape(view['gateway_reported'])}</p>" if view["gateway_reported"] else ""
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{refresh}<title>{escape(headline)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:32em;margin:3em auto'><h1>{escape(headline)}</h1>"
        f"<p>{escape(view['amount'])} {escape(view['currency'])} — payment <code>{escape(view['payment_id'])}</code>"
        f" is <strong>{escape(status)}</strong>.</p>{reported}<p>{note}</p>{link}</body></html>"
    )


@router.api_operation(
    ["GET", "POST"],
    "/gateways/sslcommerz/return/{outcome}",
    operation_id="gateways_sslcommerz_return",
    include_in_schema=False,
)
def gateways_sslcommerz_return(request: HttpRequest, outcome: Literal["success", "fail", "cancel"]) -> HttpResponse:
    tran_id = request.POST.get("tran_id") or request.GET.get("tran_id") or ""
    return _return_page(request, tran_id[:64], outcome)


@router.get("/gateways/cashfree/return", operation_id="gateways_cashfree_return", include_in_schema=False)
def gateways_cashfree_return(request: HttpRequest, order_id: str = "") -> HttpResponse:
    return _return_page(request, order_id[:64], "")


# --- admin ------------------------------------------------------------------------------------


@admin_router.get(
    "/inbound-events",
    response={200: InboundEventPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_inbound_events_list",
    summary="List stored gateway webhooks and IPNs, newest first",
)
def admin_inbound_events_list(request: HttpRequest, filters: Query[InboundEventQuery]) -> InboundEventPage:
    page = gateways.list_events(
        InboundEventFilter(
            source=filters.source,
            status=filters.status,
            signature_valid=filters.signature_valid,
            payment_id=filters.payment_id,
        ),
        filters.page_request(),
    )
    return InboundEventPage(items=[event_out(e) for e in page.items], next_cursor=page.next_cursor)


@admin_router.get(
    "/inbound-events/{event_id}",
    response={200: InboundEventOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_inbound_events_get",
)
def admin_inbound_events_get(request: HttpRequest, event_id: str) -> InboundEventOut:
    return event_out(gateways.get_event(event_id))


@admin_router.post(
    "/inbound-events/{event_id}/replay",
    response={200: InboundEventOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_inbound_events_replay",
    summary="Process a stored, authentic event again (effects are idempotent)",
    description="409 `event_not_replayable` for an event whose signature was invalid.",
)
@idempotent
def admin_inbound_events_replay(request: HttpRequest, event_id: str) -> InboundEventOut:
    return event_out(gateways.replay(event_id))


@admin_router.post(
    "/payments/{payment_id}/risk-review",
    response={200: PaymentOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_payments_risk_review",
    summary="Release (capture) or reject a payment held for risk review",
    description="SSLCommerz payments validated with `risk_level=1` stay pending with `risk_review` in their "
    "gateway data until an admin decides. 409 `no_review_pending` otherwise.",
)
@idempotent
def admin_payments_risk_review(request: HttpRequest, payment_id: str, payload: RiskReviewIn) -> PaymentOut:
    payment = gateways.decide_review(
        principal(request), payment_id, approve=payload.decision == "approve", note=payload.note
    )
    return payment_out(payment)
