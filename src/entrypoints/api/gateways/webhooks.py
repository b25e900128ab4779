"""Gateway webhooks: Cashfree's signed webhooks and SSLCommerz's IPNs.

Webhooks read the raw body (signatures cover its exact bytes), store the call before acting on it,
then act at once so the answer tells the sender the outcome:

- 200: stored and acted on (or a redelivery of an event already acted on: nothing happens twice);
- 401 ``invalid_signature``: bad, missing or stale signature — logged, never acted on;
- 404 ``unknown_payment``: authentic but names no payment of ours — logged; the sender retries;
- 503 ``gateway_unavailable``: the provider could not be asked (SSLCommerz validation API); the event
  is stored and its outbox job retries it, so the sender's retry is welcome but not needed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from application.gateways.ports import GatewayUnavailable
from application.gateways.services import GatewaysServices
from domain.gateways.inbound_event import InboundStatus
from entrypoints.api.auth import client_ip
from entrypoints.api.gateways.schemas import WEBHOOK_RESPONSES, WebhookAck
from entrypoints.api.problems import problem_response
from entrypoints.bootstrap import container

router = Router(tags=["gateways"])

RETRY_AFTER_SECONDS = 60


def gateways() -> GatewaysServices:
    return container().gateways


def _inbound(request: HttpRequest, source: str) -> HttpResponse:
    services = gateways()
    if not services.inbound_source_offered(source=source):
        return problem_response(503, "gateway_unavailable", f"The {source} gateway is not configured")
    # Per gateway and sending address, before anything is verified or stored (forged floods included).
    container().limiter.check(
        f"gateway-webhook:{source}:{client_ip(request)}", setting="GATEWAY_WEBHOOK_RATE", default="600/minute"
    )
    headers = {name.lower(): value for name, value in request.headers.items()}
    received = services.inbound_event_receive(source=source, body=request.body, headers=headers)
    event = received.event
    extra = {"inbound_event_id": str(event.id)}
    if not event.signature_valid:
        return problem_response(401, "invalid_signature", event.error or "Invalid signature", extra=extra)
    if event.status is InboundStatus.UNMATCHED:
        return problem_response(404, "unknown_payment", "No payment of ours matches this event", extra=extra)
    if event.is_actionable:
        try:
            event = services.inbound_event_process(event_id=str(event.id)) or event
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
