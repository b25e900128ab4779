"""SSLCommerz IPNs: the ``verify_sign`` check, the dedupe key, then validation before any effect.

An IPN is form fields. Failed, cancelled and unattempted tries end one attempt each (the session
stays payable until it expires); a VALID IPN is believed only after the validation API confirms it
server to server, and ``risk_level = 1`` holds the payment for an admin's review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from adapters.providers.sslcommerz.validation import VALID, check_validation, failed, text
from application.gateways.ports import ExpectedPayment, InboundCall, Interpretation, Verification
from application.payments.ports import GatewayResult
from domain.gateways.inbound_event import InboundEvent
from domain.payments.gateway_signatures import sslcommerz_signature_valid

FAILURES = {"FAILED": "sslcommerz_failed", "CANCELLED": "sslcommerz_cancelled", "EXPIRED": "sslcommerz_expired"}
IPN_STATUSES = VALID | set(FAILURES) | {"UNATTEMPTED"}
KEPT_HEADERS = ("content-type", "user-agent", "x-forwarded-for", "x-request-id")
MAX_FIELDS = 200


def parse_form(raw: bytes | str) -> dict[str, str]:
    decoded = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        pairs = parse_qsl(decoded, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return {}
    return dict(pairs)


def verify(call: InboundCall, *, store_password: str) -> Verification:
    """The ``verify_sign`` check (MD5 over the ``verify_key`` fields and the hashed store password)."""
    headers = {name: call.headers[name][:500] for name in KEPT_HEADERS if name in call.headers}
    fields = parse_form(call.body)
    status = fields.get("status", "").upper()
    event_type = f"IPN_{status}"[:64] if status else "IPN"
    if not fields.get("verify_sign") or not fields.get("verify_key"):
        return Verification(False, "Missing verify_sign or verify_key", event_type, kept_headers=headers)
    if not sslcommerz_signature_valid(fields, store_password):
        return Verification(False, "verify_sign does not match", event_type, kept_headers=headers)
    tran_id = fields.get("tran_id", "")[:64]
    key = f"{tran_id}:{status}:{fields.get('val_id', '')}"
    return Verification(True, "", event_type, key, tran_id, bool(tran_id) and status in IPN_STATUSES, headers)


def interpret(
    event: InboundEvent, expected: ExpectedPayment, *, validate: Callable[[str], dict[str, Any]]
) -> Interpretation:
    """What a stored IPN asks of us; a VALID one only after ``validate`` (the validation API) confirms it."""
    fields = parse_form(event.body)
    status = fields.get("status", "").upper()
    if status == "EXPIRED":
        return Interpretation(
            action="settle",
            result=GatewayResult(status="expired", reference=expected.payment_id, failure_code="sslcommerz_expired"),
        )
    if status in FAILURES or status == "UNATTEMPTED":
        # One try failed or was cancelled; the session stays payable until it expires.
        message = fields.get("error") or f"SSLCommerz reports {status}"
        return Interpretation(
            action="settle",
            result=GatewayResult(
                status="attempt_failed",
                reference=expected.payment_id,
                failure_code=FAILURES.get(status, "sslcommerz_unattempted"),
                failure_message=message[:500],
                data={"provider_payment_id": fields.get("bank_tran_id") or fields.get("val_id") or status},
            ),
        )
    val_id = fields.get("val_id", "")
    if not val_id:
        return failed(expected, "validation_failed", "A VALID IPN without val_id cannot be validated")
    answer = validate(val_id)  # raises GatewayUnavailable: the outbox retries
    verdict = check_validation(answer, expected)
    if verdict.result is None or verdict.result.status != "captured":
        return verdict
    if text(answer.get("risk_level")) == "1":
        amount = verdict.result.amount or expected.amount
        return Interpretation(
            action="hold",
            review={
                "reason": "sslcommerz_risk",
                "risk_level": "1",
                "risk_title": text(answer.get("risk_title")),
                "val_id": val_id,
                "bank_tran_id": text(answer.get("bank_tran_id")),
                "reference": verdict.result.reference,
                "amount": amount.to_decimal_string(),
                "currency": amount.currency,
            },
        )
    return verdict
