"""Cashfree webhooks: the signature and timestamp checks, dedupe keys, and what each event means.

Signed with the client secret (base64 HMAC-SHA256 of ``x-webhook-timestamp`` + the raw body); a
secret we rotated away from is still accepted while webhooks signed with it are in flight.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.providers.cashfree.fields import REFUND_STATUSES, digest, money, obj, parse_body, payment_facts, text
from application.gateways.ports import ExpectedPayment, InboundCall, Interpretation, RefundNews, Verification
from application.payments.ports import GatewayResult
from domain.gateways.inbound_event import InboundEvent
from domain.payments.gateway_signatures import cashfree_signature_valid, cashfree_timestamp_fresh

PAYMENT_TYPES = {"PAYMENT_SUCCESS_WEBHOOK", "PAYMENT_FAILED_WEBHOOK", "PAYMENT_USER_DROPPED_WEBHOOK"}
REFUND_TYPES = {"REFUND_STATUS_WEBHOOK", "AUTO_REFUND_STATUS_WEBHOOK"}
KEPT_HEADERS = (
    "x-webhook-signature",
    "x-webhook-timestamp",
    "x-webhook-version",
    "x-webhook-attempt",
    "x-idempotency-key",
    "x-request-id",
    "content-type",
    "user-agent",
)


def verify(call: InboundCall, *, now: datetime, secrets: tuple[str, ...]) -> Verification:
    """The signature (any of ``secrets``) and timestamp checks, and the event's dedupe key and payment."""
    headers = {name: call.headers[name][:500] for name in KEPT_HEADERS if name in call.headers}
    signature = call.headers.get("x-webhook-signature", "")
    timestamp = call.headers.get("x-webhook-timestamp", "")
    body = parse_body(call.body)
    event_type = text(body.get("type"))[:64] if isinstance(body, dict) else ""
    if not signature or not timestamp:
        return Verification(
            False, "Missing x-webhook-signature or x-webhook-timestamp", event_type, kept_headers=headers
        )
    if not cashfree_timestamp_fresh(timestamp, int(now.timestamp() * 1000)):
        return Verification(False, "x-webhook-timestamp is more than 5 minutes off", event_type, kept_headers=headers)
    if not any(cashfree_signature_valid(s, timestamp, call.body, signature) for s in secrets if s):
        return Verification(False, "Signature does not match", event_type, kept_headers=headers)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return Verification(
            True,
            "The body is not a Cashfree event",
            event_type,
            f"malformed:{digest(call.body)}",
            "",
            False,
            headers,
        )
    data: dict[str, Any] = body["data"]
    if event_type in PAYMENT_TYPES:
        order = obj(data.get("order"))
        payment = obj(data.get("payment"))
        payment_id = text(order.get("order_id"))[:64]
        cf_payment_id = text(payment.get("cf_payment_id")) or digest(call.body)
        return Verification(
            True, "", event_type, f"{event_type}:{cf_payment_id}", payment_id, bool(payment_id), headers
        )
    if event_type in REFUND_TYPES:
        refund = obj(data.get("refund"))
        payment_id = text(refund.get("order_id"))[:64]
        key = f"{event_type}:{text(refund.get('cf_refund_id'))}:{text(refund.get('refund_status'))}"
        return Verification(
            True, "", event_type, key, payment_id, bool(payment_id and refund.get("refund_id")), headers
        )
    return Verification(True, "", event_type, f"{event_type or 'untyped'}:{digest(call.body)}", "", False, headers)


def interpret(event: InboundEvent, expected: ExpectedPayment) -> Interpretation:
    """What an authentic, stored event asks of us (no provider call is needed)."""
    body = parse_body(event.body)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return Interpretation(action="ignore", reason="The body is not a Cashfree event")
    if event.event_type in REFUND_TYPES:
        return _refund_news(data.get("refund"))
    order = obj(data.get("order"))
    payment = obj(data.get("payment"))
    reference = text(order.get("order_id")) or expected.payment_id
    if event.event_type == "PAYMENT_SUCCESS_WEBHOOK":
        amount = money(payment.get("payment_amount"), payment.get("payment_currency"))
        if amount is None:
            reported = f"{text(payment.get('payment_amount'))} {text(payment.get('payment_currency'))}"
            return Interpretation(
                action="settle",
                result=GatewayResult(
                    status="failed",
                    reference=reference,
                    failure_code="currency_mismatch",
                    failure_message=f"Cashfree reported {reported}, which does not match {expected.amount}",
                ),
            )
        return Interpretation(
            action="settle",
            result=GatewayResult(
                status="captured",
                reference=reference,
                amount=amount,
                data={"cashfree_payment": payment_facts(payment)},
            ),
        )
    # A failed or abandoned attempt ends one try only: the Cashfree order stays ACTIVE and the buyer
    # may pay on the same checkout, so the payment stays pending with the attempt recorded, until a
    # success, the order's expiry or termination (seen by reconciliation) decides.
    if event.event_type == "PAYMENT_FAILED_WEBHOOK":
        details = obj(data.get("error_details"))
        reason = text(details.get("error_reason")).lower().replace(" ", "_")[:48]
        message = text(details.get("error_description")) or text(payment.get("payment_message"))
        code, message = (f"cashfree_{reason}" if reason else "payment_failed"), message or "The attempt failed"
    else:
        code, message = "user_dropped", "The buyer left the checkout"
    return Interpretation(
        action="settle",
        result=GatewayResult(
            status="attempt_failed",
            reference=reference,
            failure_code=code,
            failure_message=message[:500],
            data={"provider_payment_id": text(payment.get("cf_payment_id"))},
        ),
    )


def _refund_news(refund: Any) -> Interpretation:
    if not isinstance(refund, dict) or not refund.get("refund_id"):
        return Interpretation(action="ignore", reason="The refund webhook names no refund")
    status = REFUND_STATUSES.get(text(refund.get("refund_status")).upper(), "pending")
    return Interpretation(
        action="refund",
        refund=RefundNews(
            refund_id=text(refund.get("refund_id")),
            status=status,
            reference=text(refund.get("cf_refund_id")),
            message=text(refund.get("status_description"))[:500],
            amount=money(refund.get("refund_amount"), refund.get("refund_currency")),
        ),
    )
