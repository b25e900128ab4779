"""SSLCommerz (v4 API): sessions, IPN verification, server-to-server validation, refunds, status.

A payment of ours is one SSLCommerz session whose ``tran_id`` is our payment id. The buyer pays on
the gateway page; SSLCommerz posts an IPN (form fields, MD5 ``verify_sign``). An IPN is believed only
after the validation API confirms it server to server, with our ``tran_id`` and our amount and
currency (BDT: ``amount``; other currencies: ``currency_type`` + ``currency_amount``).
``risk_level = 1`` holds the payment for an admin's review.

SSLCommerz's calls are not idempotent by key, so only its GETs (validation, queries) are retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from adapters.gateways.provider_http import ProviderHttp, Reply
from application.gateways.ports import (
    ExpectedPayment,
    GatewayUnavailable,
    InboundCall,
    Interpretation,
    Verification,
)
from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from domain.gateways.inbound_event import InboundEvent, InboundSource
from domain.payments.gateway_signatures import sslcommerz_signature_valid
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

SANDBOX_BASE_URL = "https://sandbox.sslcommerz.com"
LIVE_BASE_URL = "https://securepay.sslcommerz.com"
SESSION_PATH = "/gwprocess/v4/api.php"
VALIDATION_PATH = "/validator/api/validationserverAPI.php"
QUERY_PATH = "/validator/api/merchantTransIDvalidationAPI.php"

VALID = {"VALID", "VALIDATED"}
FAILURES = {"FAILED": "sslcommerz_failed", "CANCELLED": "sslcommerz_cancelled", "EXPIRED": "sslcommerz_expired"}
IPN_STATUSES = VALID | set(FAILURES) | {"UNATTEMPTED"}
KEPT_HEADERS = ("content-type", "user-agent", "x-forwarded-for", "x-request-id")
MAX_FIELDS = 200


@dataclass(frozen=True, slots=True)
class SslcommerzConfig:
    base_url: str
    store_id: str
    store_password: str
    # ``{PUBLIC_BASE_URL}/api/v1/gateways/sslcommerz/return``; /success, /fail, /cancel are appended.
    return_base_url: str = ""
    timeout: float = 10.0
    retries: int = 2


def parse_form(raw: bytes | str) -> dict[str, str]:
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return {}
    return dict(pairs)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _message(reply: Reply, what: str) -> str:
    if not reply.reached:
        return f"SSLCommerz {what} did not answer ({reply.error})"[:500]
    return f"SSLCommerz {what} answered HTTP {reply.status}"


class SslcommerzGateway:
    """The PaymentGateway port (plus validation, refund status) over SSLCommerz's v4 API."""

    def __init__(self, config: SslcommerzConfig, *, http: ProviderHttp | None = None) -> None:
        self.config = config
        self._http = http or ProviderHttp(base_url=config.base_url, timeout=config.timeout, retries=config.retries)

    def _credentials(self) -> dict[str, str]:
        return {"store_id": self.config.store_id, "store_passwd": self.config.store_password}

    def start(self, request: GatewayRequest) -> GatewayResult:
        customer = request.customer
        returns = self.config.return_base_url.rstrip("/")
        form = {
            **self._credentials(),
            "total_amount": request.amount.to_decimal_string(),
            "currency": request.amount.currency,
            "tran_id": request.payment_id,
            "success_url": f"{returns}/success",
            "fail_url": f"{returns}/fail",
            "cancel_url": f"{returns}/cancel",
            "ipn_url": request.notify_url,
            "cus_name": customer.name or "Customer",
            "cus_email": customer.email or "customer@example.com",
            "cus_phone": customer.phone or "01700000000",
            "cus_add1": "N/A",
            "cus_city": "Dhaka",
            "cus_country": "Bangladesh",
            "shipping_method": "NO",
            "product_name": (request.description or f"Order {request.order_id}")[:255],
            "product_category": "general",
            "product_profile": "general",
            "num_of_item": "1",
            "value_a": request.order_id,
        }
        # Posting twice opens two sessions: not retried here. Unanswered, nothing is decided: recovery
        # asks by tran_id and opens the session again only when SSLCommerz has no record of it.
        reply = self._http.request("POST", SESSION_PATH, form=form)
        answer = reply.json()
        if not reply.reached:
            return GatewayResult(
                status="error", reference=request.payment_id, failure_message=_message(reply, "session API")
            )
        if not reply.ok or not isinstance(answer, dict):
            unreachable = not reply.reached or reply.status >= 500
            return GatewayResult(
                status="failed",
                reference=request.payment_id,
                failure_code="gateway_unavailable" if unreachable else "gateway_rejected",
                failure_message=_message(reply, "session API"),
                retryable=unreachable,
            )
        page = _text(answer.get("GatewayPageURL"))
        if _text(answer.get("status")).upper() != "SUCCESS" or not page.startswith(("https://", "http://")):
            return GatewayResult(
                status="failed",
                reference=request.payment_id,
                failure_code="gateway_rejected",
                failure_message=(_text(answer.get("failedreason")) or "SSLCommerz refused the session")[:500],
            )
        data: dict[str, Any] = {"checkout": {"sessionkey": _text(answer.get("sessionkey")), "gateway_page_url": page}}
        if request.return_url:
            data["merchant_return_url"] = request.return_url
        return GatewayResult(status="pending", reference=request.payment_id, redirect_url=page, data=data)

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        return GatewayResult(status="pending", reference=reference, failure_message="SSLCommerz captures on payment")

    def cancel(self, *, payment_id: str, reference: str) -> GatewayResult:
        # SSLCommerz has no call to close a session; it ends with its expiry, and a late payment on it is
        # returned automatically.
        return GatewayResult(status="unsupported", reference=reference)

    def validate(self, val_id: str) -> dict[str, Any]:
        """The validation API's answer for ``val_id``; raises GatewayUnavailable when it cannot be had."""
        params = {"val_id": val_id, **self._credentials(), "v": "1", "format": "json"}
        reply = self._http.request("GET", VALIDATION_PATH, params=params, retry=True)
        answer = reply.json()
        if not reply.ok or not isinstance(answer, dict):
            raise GatewayUnavailable(_message(reply, "validation API"))
        return answer

    def refund(self, request: RefundRequest) -> RefundResult:
        if not request.gateway_reference:
            return RefundResult(status="failed", failure_message="No SSLCommerz bank_tran_id is known for this payment")
        params = {
            "bank_tran_id": request.gateway_reference,
            "refund_amount": request.amount.to_decimal_string(),
            "refund_remarks": (request.reason or "Refund")[:255],
            "refe_id": request.refund_id,
            **self._credentials(),
            "v": "1",
            "format": "json",
        }
        # Not retried blindly here; an unanswered request stays an intent, and recovery sends it again with
        # the same refe_id (our refund id), which identifies the one refund at SSLCommerz.
        reply = self._http.request("GET", QUERY_PATH, params=params)
        answer = reply.json()
        if not reply.reached or reply.status >= 500:
            return RefundResult(status="unknown", failure_message=_message(reply, "refund API"))
        if not reply.ok or not isinstance(answer, dict):
            return RefundResult(status="failed", failure_message=_message(reply, "refund API"))
        if _text(answer.get("APIConnect")).upper() != "DONE":
            return RefundResult(status="failed", failure_message=f"SSLCommerz: {_text(answer.get('APIConnect'))}")
        status = _text(answer.get("status")).lower()
        if status in {"success", "processing"}:
            return RefundResult(status="pending", reference=_text(answer.get("refund_ref_id")))
        return RefundResult(
            status="failed", failure_message=(_text(answer.get("errorReason")) or "SSLCommerz refused the refund")[:500]
        )

    def fetch_refund_status(self, *, refund_id: str, payment_id: str, reference: str) -> RefundResult:
        if not reference:
            return RefundResult(status="pending", failure_message="No refund_ref_id to ask about")
        params = {"refund_ref_id": reference, **self._credentials(), "format": "json"}
        reply = self._http.request("GET", QUERY_PATH, params=params, retry=True)
        answer = reply.json()
        if not reply.ok or not isinstance(answer, dict) or _text(answer.get("APIConnect")).upper() != "DONE":
            return RefundResult(status="pending", reference=reference)
        status = _text(answer.get("status")).lower()
        if status == "refunded":
            return RefundResult(status="succeeded", reference=reference)
        if status == "cancelled":
            return RefundResult(
                status="failed", reference=reference, failure_message=_text(answer.get("errorReason"))[:500]
            )
        return RefundResult(status="pending", reference=reference)

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        params = {"tran_id": payment_id, **self._credentials(), "format": "json"}
        reply = self._http.request("GET", QUERY_PATH, params=params, retry=True)
        answer = reply.json()
        if not reply.ok or not isinstance(answer, dict):
            return GatewayResult(status="error", reference=reference, failure_message=_message(reply, "query API"))
        elements = [e for e in answer.get("element") or [] if isinstance(e, dict)]
        for element in elements:
            if _text(element.get("status")).upper() in VALID and _text(element.get("tran_id")) == payment_id:
                if _text(element.get("risk_level")) == "1":
                    return GatewayResult(status="pending", reference=reference)  # waits for the IPN's hold
                verdict = check_validation(element, ExpectedPayment(payment_id, amount, "pending"))
                return verdict.result or GatewayResult(status="pending", reference=reference)
        if not elements:
            return GatewayResult(status="not_found", reference=reference, failure_message="SSLCommerz has no record")
        statuses = {_text(e.get("status")).upper() for e in elements}
        if "EXPIRED" in statuses:
            return GatewayResult(
                status="expired", reference=reference, failure_message="The SSLCommerz session expired"
            )
        # Failed or cancelled tries end one attempt each; the session may still be paid until it expires.
        return GatewayResult(status="pending", reference=reference)


def _amount(answer: dict[str, Any], currency: str) -> tuple[Money | None, str]:
    """The validated amount in our payment's currency, or why it cannot be read."""
    try:
        if currency == "BDT":
            reported = _text(answer.get("currency_type")).upper()
            if reported and reported != "BDT":
                return None, "currency_mismatch"
            return Money.parse(_text(answer.get("amount")), "BDT"), ""
        if _text(answer.get("currency_type")).upper() != currency:
            return None, "currency_mismatch"
        return Money.parse(_text(answer.get("currency_amount")), currency), ""
    except InvalidValue:
        return None, "amount_mismatch"


def check_validation(answer: dict[str, Any], expected: ExpectedPayment) -> Interpretation:
    """Accept only VALID/VALIDATED for our tran_id with our amount and currency; anything else fails."""
    status = _text(answer.get("status")).upper()
    bank_tran_id = _text(answer.get("bank_tran_id"))
    if status not in VALID:
        return _failed(expected, "validation_failed", f"SSLCommerz validation says {status or 'nothing'}")
    if _text(answer.get("tran_id")) != expected.payment_id:
        return _failed(expected, "tran_id_mismatch", "The validated transaction is not this payment", alert=True)
    amount, problem = _amount(answer, expected.amount.currency)
    if amount is not None and amount != expected.amount:
        # SSLCommerz took money, but not what we asked: reported as captured with its amount, so the
        # payments context fails the payment and returns that money automatically (never paid).
        return Interpretation(
            action="settle",
            result=GatewayResult(status="captured", reference=bank_tran_id or expected.payment_id, amount=amount),
        )
    if amount is None:
        code = problem or (
            "currency_mismatch" if amount and amount.currency != expected.amount.currency else "amount_mismatch"
        )
        reported = f"{_text(answer.get('amount'))} {_text(answer.get('currency'))}"
        if expected.amount.currency != "BDT":
            reported = f"{_text(answer.get('currency_amount'))} {_text(answer.get('currency_type'))}"
        return _failed(
            expected, code, f"SSLCommerz validated {reported} for a payment of {expected.amount}", alert=True
        )
    facts = {
        k: _text(answer.get(k))
        for k in ("val_id", "bank_tran_id", "card_type", "card_brand", "tran_date", "risk_level", "risk_title")
        if answer.get(k) is not None
    }
    return Interpretation(
        action="settle",
        result=GatewayResult(
            status="captured", reference=bank_tran_id or expected.payment_id, amount=amount, data={"sslcommerz": facts}
        ),
    )


def _failed(expected: ExpectedPayment, code: str, message: str, *, alert: bool = False) -> Interpretation:
    return Interpretation(
        action="settle",
        result=GatewayResult(
            status="failed", reference=expected.payment_id, failure_code=code, failure_message=message
        ),
        alert={"code": code, "message": message} if alert else None,
    )


class SslcommerzIpn:
    """Reads SSLCommerz IPNs: ``verify_sign`` check, dedupe key, then validation before any effect."""

    source = InboundSource.SSLCOMMERZ

    def __init__(self, gateway: SslcommerzGateway) -> None:
        self._gateway = gateway

    def verify(self, call: InboundCall, *, now: datetime) -> Verification:
        headers = {name: call.headers[name][:500] for name in KEPT_HEADERS if name in call.headers}
        fields = parse_form(call.body)
        status = fields.get("status", "").upper()
        event_type = f"IPN_{status}"[:64] if status else "IPN"
        if not fields.get("verify_sign") or not fields.get("verify_key"):
            return Verification(False, "Missing verify_sign or verify_key", event_type, kept_headers=headers)
        if not sslcommerz_signature_valid(fields, self._gateway.config.store_password):
            return Verification(False, "verify_sign does not match", event_type, kept_headers=headers)
        tran_id = fields.get("tran_id", "")[:64]
        key = f"{tran_id}:{status}:{fields.get('val_id', '')}"
        return Verification(True, "", event_type, key, tran_id, bool(tran_id) and status in IPN_STATUSES, headers)

    def interpret(self, event: InboundEvent, expected: ExpectedPayment) -> Interpretation:
        fields = parse_form(event.body)
        status = fields.get("status", "").upper()
        if status == "EXPIRED":
            return Interpretation(
                action="settle",
                result=GatewayResult(
                    status="expired", reference=expected.payment_id, failure_code="sslcommerz_expired"
                ),
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
            return _failed(expected, "validation_failed", "A VALID IPN without val_id cannot be validated")
        answer = self._gateway.validate(val_id)  # raises GatewayUnavailable: the outbox retries
        verdict = check_validation(answer, expected)
        if verdict.result is None or verdict.result.status != "captured":
            return verdict
        if _text(answer.get("risk_level")) == "1":
            amount = verdict.result.amount or expected.amount
            return Interpretation(
                action="hold",
                review={
                    "reason": "sslcommerz_risk",
                    "risk_level": "1",
                    "risk_title": _text(answer.get("risk_title")),
                    "val_id": val_id,
                    "bank_tran_id": _text(answer.get("bank_tran_id")),
                    "reference": verdict.result.reference,
                    "amount": amount.to_decimal_string(),
                    "currency": amount.currency,
                },
            )
        return verdict
