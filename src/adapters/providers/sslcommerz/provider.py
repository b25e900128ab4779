"""SSLCommerz (v4 API): sessions, IPN verification, server-to-server validation, refunds, status.

A payment of ours is one SSLCommerz session whose ``tran_id`` is our payment id. The buyer pays on
the gateway page; SSLCommerz posts an IPN (``ipn.py``), believed only after the validation API
confirms it (``validation.py``).

SSLCommerz's calls are not idempotent by key, so only its GETs (validation, queries) are retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings

from adapters.providers.http import ProviderHttp, Reply
from adapters.providers.sslcommerz import ipn
from adapters.providers.sslcommerz.validation import VALID, check_validation, text
from application.gateways.ports import ExpectedPayment, GatewayUnavailable, InboundCall, Interpretation, Verification
from application.gateways.providers import ProviderRole
from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from domain.gateways.inbound_event import InboundEvent, InboundSource
from domain.shared.money import Money

SANDBOX_BASE_URL = "https://sandbox.sslcommerz.com"
LIVE_BASE_URL = "https://securepay.sslcommerz.com"
SESSION_PATH = "/gwprocess/v4/api.php"
VALIDATION_PATH = "/validator/api/validationserverAPI.php"
QUERY_PATH = "/validator/api/merchantTransIDvalidationAPI.php"


@dataclass(frozen=True, slots=True)
class SslcommerzConfig:
    base_url: str
    store_id: str
    store_password: str
    # ``{PUBLIC_BASE_URL}/api/v1/gateways/sslcommerz/return``; /success, /fail, /cancel are appended.
    return_base_url: str = ""
    timeout: float = 10.0
    retries: int = 2


def _message(reply: Reply, what: str) -> str:
    if not reply.reached:
        return f"SSLCommerz {what} did not answer ({reply.error})"[:500]
    return f"SSLCommerz {what} answered HTTP {reply.status}"


class SslcommerzGateway:
    """SSLCommerz as one provider: sessions, refunds and their status over its v4 API, validated IPNs."""

    method = "sslcommerz"
    source = InboundSource.SSLCOMMERZ
    roles = frozenset({ProviderRole.REFUND_STATUS, ProviderRole.INBOUND})

    def __init__(self, config: SslcommerzConfig, *, http: ProviderHttp | None = None) -> None:
        self.config = config
        self._http = http or ProviderHttp(base_url=config.base_url, timeout=config.timeout, retries=config.retries)

    @classmethod
    def from_settings(cls, *, transport: httpx.BaseTransport | None = None) -> SslcommerzGateway:
        """The deployment's SSLCommerz (or its simulator at ``SSLCOMMERZ_BASE_URL``) from the settings."""
        config = SslcommerzConfig(
            base_url=settings.SSLCOMMERZ_BASE_URL,
            store_id=settings.SSLCOMMERZ_STORE_ID,
            store_password=settings.SSLCOMMERZ_STORE_PASSWORD,
            return_base_url=f"{settings.PUBLIC_BASE_URL}/api/v1/gateways/sslcommerz/return",
            timeout=settings.GATEWAY_HTTP_TIMEOUT_SECONDS,
        )
        return cls(config, http=ProviderHttp(base_url=config.base_url, timeout=config.timeout, transport=transport))

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
        page = text(answer.get("GatewayPageURL"))
        if text(answer.get("status")).upper() != "SUCCESS" or not page.startswith(("https://", "http://")):
            return GatewayResult(
                status="failed",
                reference=request.payment_id,
                failure_code="gateway_rejected",
                failure_message=(text(answer.get("failedreason")) or "SSLCommerz refused the session")[:500],
            )
        data: dict[str, Any] = {"checkout": {"sessionkey": text(answer.get("sessionkey")), "gateway_page_url": page}}
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
        if text(answer.get("APIConnect")).upper() != "DONE":
            return RefundResult(status="failed", failure_message=f"SSLCommerz: {text(answer.get('APIConnect'))}")
        status = text(answer.get("status")).lower()
        if status in {"success", "processing"}:
            return RefundResult(status="pending", reference=text(answer.get("refund_ref_id")))
        return RefundResult(
            status="failed", failure_message=(text(answer.get("errorReason")) or "SSLCommerz refused the refund")[:500]
        )

    def fetch_refund_status(self, *, refund_id: str, payment_id: str, reference: str) -> RefundResult:
        if not reference:
            return RefundResult(status="pending", failure_message="No refund_ref_id to ask about")
        params = {"refund_ref_id": reference, **self._credentials(), "format": "json"}
        reply = self._http.request("GET", QUERY_PATH, params=params, retry=True)
        answer = reply.json()
        if not reply.ok or not isinstance(answer, dict) or text(answer.get("APIConnect")).upper() != "DONE":
            return RefundResult(status="pending", reference=reference)
        status = text(answer.get("status")).lower()
        if status == "refunded":
            return RefundResult(status="succeeded", reference=reference)
        if status == "cancelled":
            return RefundResult(
                status="failed", reference=reference, failure_message=text(answer.get("errorReason"))[:500]
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
            if text(element.get("status")).upper() in VALID and text(element.get("tran_id")) == payment_id:
                if text(element.get("risk_level")) == "1":
                    return GatewayResult(status="pending", reference=reference)  # waits for the IPN's hold
                verdict = check_validation(element, ExpectedPayment(payment_id, amount, "pending"))
                return verdict.result or GatewayResult(status="pending", reference=reference)
        if not elements:
            return GatewayResult(status="not_found", reference=reference, failure_message="SSLCommerz has no record")
        statuses = {text(e.get("status")).upper() for e in elements}
        if "EXPIRED" in statuses:
            return GatewayResult(
                status="expired", reference=reference, failure_message="The SSLCommerz session expired"
            )
        # Failed or cancelled tries end one attempt each; the session may still be paid until it expires.
        return GatewayResult(status="pending", reference=reference)

    # --- InboundInterpreter --------------------------------------------------------------------

    def verify(self, call: InboundCall, *, now: datetime) -> Verification:
        return ipn.verify(call, store_password=self.config.store_password)

    def interpret(self, event: InboundEvent, expected: ExpectedPayment) -> Interpretation:
        return ipn.interpret(event, expected, validate=self.validate)
