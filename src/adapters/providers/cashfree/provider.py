"""Cashfree Payment Gateway (PG API, ``x-api-version`` 2023-08-01): orders, status, refunds, webhooks.

One payment of ours is one Cashfree order whose ``order_id`` is our payment id (unique per attempt);
our order id travels in ``order_tags``. The buyer pays on Cashfree's hosted checkout (its
``payment_session_id``); Cashfree's signed webhook (``webhooks.py``), or our polling of the order,
settles the payment.

Cashfree's JSON carries amounts as numbers: they are read with ``parse_float=Decimal`` and written
from Decimal digits, never through a float. Provider errors become results, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings

from adapters.providers.cashfree import webhooks
from adapters.providers.cashfree.fields import REFUND_STATUSES, money, payment_facts, text
from adapters.providers.http import ProviderHttp, Reply, json_with_exact_decimals
from application.gateways.ports import ExpectedPayment, InboundCall, Interpretation, Verification
from application.gateways.providers import ProviderRole
from application.payments.ports import GatewayRequest, GatewayResult, RefundRequest, RefundResult
from domain.gateways.inbound_event import InboundEvent, InboundSource
from domain.shared.money import Money

SANDBOX_BASE_URL = "https://sandbox.cashfree.com"
PRODUCTION_BASE_URL = "https://api.cashfree.com"
DEFAULT_API_VERSION = "2023-08-01"
# Cashfree requires a phone for every order; a merchant that does not pass the buyer's gets this one.
FALLBACK_PHONE = "9999999999"


def normalize_base_url(url: str) -> str:
    """CASHFREE_BASE_URL is the host; a trailing ``/pg`` (as Cashfree's docs write hosts) is dropped."""
    url = url.rstrip("/")
    return url[: -len("/pg")] if url.endswith("/pg") else url


@dataclass(frozen=True, slots=True)
class CashfreeConfig:
    base_url: str
    client_id: str
    client_secret: str
    api_version: str = DEFAULT_API_VERSION
    environment: str = "sandbox"
    # Our return page; Cashfree sends the buyer there after the checkout.
    return_url: str = ""
    # Cashfree accepts only https callback URLs; the local simulator takes http too.
    allow_http_callbacks: bool = False
    # Webhooks signed with a secret we rotated away from are still accepted while in flight.
    previous_secrets: tuple[str, ...] = field(default_factory=tuple)
    timeout: float = 10.0
    retries: int = 2


def _message(reply: Reply) -> str:
    body = reply.json()
    if isinstance(body, dict) and body.get("message"):
        return f"Cashfree: {body['message']}"[:500]
    if not reply.reached:
        return f"Cashfree did not answer ({reply.error})"[:500]
    return f"Cashfree answered HTTP {reply.status}"


class CashfreeGateway:
    """Cashfree as one provider: payments and refunds over its PG API, refund status, signed webhooks."""

    method = "cashfree"
    source = InboundSource.CASHFREE
    roles = frozenset({ProviderRole.REFUND_STATUS, ProviderRole.INBOUND})

    def __init__(self, config: CashfreeConfig, *, http: ProviderHttp | None = None) -> None:
        self.config = config
        self._http = http or ProviderHttp(
            base_url=normalize_base_url(config.base_url), timeout=config.timeout, retries=config.retries
        )

    @classmethod
    def from_settings(cls, *, transport: httpx.BaseTransport | None = None) -> CashfreeGateway:
        """The deployment's Cashfree (or its simulator at ``CASHFREE_BASE_URL``), from the settings."""
        previous = settings.CASHFREE_PREVIOUS_CLIENT_SECRET
        config = CashfreeConfig(
            base_url=settings.CASHFREE_BASE_URL,
            client_id=settings.CASHFREE_CLIENT_ID,
            client_secret=settings.CASHFREE_CLIENT_SECRET,
            api_version=settings.CASHFREE_API_VERSION,
            environment=settings.CASHFREE_ENVIRONMENT,
            return_url=f"{settings.PUBLIC_BASE_URL}/api/v1/gateways/cashfree/return",
            # Cashfree itself takes only https callbacks; a provider reached over http is a simulator or a test.
            allow_http_callbacks=not settings.CASHFREE_BASE_URL.startswith("https://"),
            previous_secrets=(previous,) if previous else (),
            timeout=settings.GATEWAY_HTTP_TIMEOUT_SECONDS,
        )
        http = ProviderHttp(base_url=config.base_url.removesuffix("/pg"), timeout=config.timeout, transport=transport)
        return cls(config, http=http)

    def _headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {
            "x-client-id": self.config.client_id,
            "x-client-secret": self.config.client_secret,
            "x-api-version": self.config.api_version,
            "accept": "application/json",
        }
        if idempotency_key:
            headers["x-idempotency-key"] = idempotency_key
        return headers

    def _callback(self, url: str) -> str | None:
        return url if url.startswith("https://") or (self.config.allow_http_callbacks and url) else None

    # --- PaymentGateway and RefundStatusSource ----------------------------------------------------------------------

    def start(self, request: GatewayRequest) -> GatewayResult:
        customer = request.customer
        order_meta: dict[str, str] = {}
        return_url = self._callback(f"{self.config.return_url}?order_id={request.payment_id}")
        notify_url = self._callback(request.notify_url)
        if return_url and self.config.return_url:
            order_meta["return_url"] = return_url
        if notify_url:
            order_meta["notify_url"] = notify_url
        details: dict[str, str] = {
            "customer_id": "".join(c for c in customer.id if c.isalnum() or c in "_-")[:50] or "guest",
            "customer_phone": customer.phone or FALLBACK_PHONE,
        }
        if customer.email:
            details["customer_email"] = customer.email
        if customer.name:
            details["customer_name"] = customer.name
        body: dict[str, Any] = {
            "order_id": request.payment_id,
            "order_amount": request.amount.to_decimal(),
            "order_currency": request.amount.currency,
            "customer_details": details,
            "order_meta": order_meta,
            "order_tags": {"partnerpay_order_id": request.order_id},
        }
        if request.expires_at is not None:
            # Our checkout window, set explicitly: Cashfree's default keeps an order payable for 30 days.
            body["order_expiry_time"] = request.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        if request.description:
            body["order_note"] = request.description[:200]
        headers = {**self._headers(request.payment_id), "content-type": "application/json"}
        reply = self._http.request(
            "POST", "/pg/orders", headers=headers, content=json_with_exact_decimals(body), retry=True
        )
        answer = reply.json()
        if not reply.reached:
            # It may exist at Cashfree: nothing is decided; recovery asks by order_id (our payment id).
            return GatewayResult(status="error", reference=request.payment_id, failure_message=_message(reply))
        if not reply.ok or not isinstance(answer, dict) or not answer.get("payment_session_id"):
            return GatewayResult(
                status="failed",
                reference=request.payment_id,
                failure_code="gateway_unavailable" if not reply.reached or reply.status >= 500 else "gateway_rejected",
                failure_message=_message(reply) if not reply.ok else "Cashfree gave no payment session",
                retryable=not reply.reached or reply.status >= 500,
            )
        data: dict[str, Any] = {
            "checkout": {
                "payment_session_id": text(answer.get("payment_session_id")),
                "cf_order_id": text(answer.get("cf_order_id")),
                "environment": self.config.environment,
            }
        }
        if request.return_url:
            data["merchant_return_url"] = request.return_url
        link = answer.get("payment_link")  # only the local simulator (and API versions before 2022-09-01)
        return GatewayResult(
            status="pending",
            reference=request.payment_id,
            redirect_url=link if isinstance(link, str) and link.startswith(("http://", "https://")) else None,
            data=data,
        )

    def capture(self, *, reference: str, amount: Money) -> GatewayResult:
        # Cashfree orders are captured when the buyer pays; there is no separate capture.
        return GatewayResult(status="pending", reference=reference, failure_message="Cashfree captures on payment")

    def cancel(self, *, payment_id: str, reference: str) -> GatewayResult:
        """Terminate Order (``PATCH /pg/orders/{order_id}``): the checkout stops taking payments."""
        cf_order = reference or payment_id
        headers = {**self._headers(f"{payment_id}:terminate"), "content-type": "application/json"}
        reply = self._http.request(
            "PATCH", f"/pg/orders/{cf_order}", headers=headers, content=b'{"order_status":"TERMINATED"}', retry=True
        )
        answer = reply.json()
        status = text(answer.get("order_status")).upper() if isinstance(answer, dict) else ""
        if reply.ok and status in {"TERMINATED", "TERMINATION_REQUESTED"}:
            return GatewayResult(status="cancelled", reference=cf_order)
        return GatewayResult(status="failed", reference=cf_order, failure_message=_message(reply))

    def refund(self, request: RefundRequest) -> RefundResult:
        body: dict[str, Any] = {
            "refund_amount": request.amount.to_decimal(),
            "refund_id": request.refund_id,
            "refund_note": (request.reason or "Refund")[:100],
        }
        headers = {**self._headers(request.refund_id), "content-type": "application/json"}
        reply = self._http.request(
            "POST",
            f"/pg/orders/{request.payment_id}/refunds",
            headers=headers,
            content=json_with_exact_decimals(body),
            retry=True,
        )
        answer = reply.json()
        if not reply.reached or reply.status >= 500:
            # The refund may or may not exist at Cashfree: nothing is decided; recovery sends the same
            # refund_id and x-idempotency-key again, which Cashfree answers with the one refund.
            return RefundResult(status="unknown", failure_message=_message(reply))
        if not reply.ok or not isinstance(answer, dict):
            return RefundResult(status="failed", failure_message=_message(reply))
        return self._refund_result(answer)

    def _refund_result(self, answer: dict[str, Any]) -> RefundResult:
        status = REFUND_STATUSES.get(text(answer.get("refund_status")).upper(), "pending")
        return RefundResult(
            status=status,
            reference=text(answer.get("cf_refund_id")),
            failure_message=text(answer.get("status_description")) if status == "failed" else "",
        )

    def fetch_refund_status(self, *, refund_id: str, payment_id: str, reference: str) -> RefundResult:
        reply = self._http.request(
            "GET", f"/pg/orders/{payment_id}/refunds/{refund_id}", headers=self._headers(), retry=True
        )
        answer = reply.json()
        if reply.status == 404:
            return RefundResult(status="failed", failure_message="Cashfree has no such refund")
        if not reply.ok or not isinstance(answer, dict):
            return RefundResult(status="pending", failure_message=_message(reply))
        return self._refund_result(answer)

    def fetch_status(self, *, payment_id: str, order_id: str, reference: str, amount: Money) -> GatewayResult:
        cf_order = reference or payment_id
        reply = self._http.request("GET", f"/pg/orders/{cf_order}", headers=self._headers(), retry=True)
        answer = reply.json()
        if reply.status == 404:
            return GatewayResult(status="not_found", reference=cf_order, failure_message="Cashfree has no such order")
        if not reply.ok or not isinstance(answer, dict):
            return GatewayResult(status="error", reference=cf_order, failure_message=_message(reply))
        status = text(answer.get("order_status")).upper()
        if status == "PAID":
            return self._paid(cf_order, answer)
        if status == "EXPIRED":
            return GatewayResult(status="expired", reference=cf_order, failure_message="The Cashfree order expired")
        if status == "TERMINATED":
            return GatewayResult(
                status="cancelled", reference=cf_order, failure_message="The Cashfree order was terminated"
            )
        return GatewayResult(status="pending", reference=cf_order)

    def _paid(self, cf_order: str, order: dict[str, Any]) -> GatewayResult:
        reply = self._http.request("GET", f"/pg/orders/{cf_order}/payments", headers=self._headers(), retry=True)
        attempts = reply.json() if reply.ok else None
        success = next(
            (
                a
                for a in (attempts if isinstance(attempts, list) else [])
                if isinstance(a, dict) and text(a.get("payment_status")).upper() == "SUCCESS"
            ),
            None,
        )
        if success is not None:
            amount = money(success.get("payment_amount"), success.get("payment_currency"))
            data = {"cashfree_payment": payment_facts(success)}
        else:
            amount = money(order.get("order_amount"), order.get("order_currency"))
            data = {}
        if amount is None:
            return GatewayResult(
                status="failed",
                reference=cf_order,
                failure_code="currency_mismatch",
                failure_message="Cashfree reported an amount or currency we cannot read",
            )
        return GatewayResult(status="captured", reference=cf_order, amount=amount, data=data)

    # --- InboundInterpreter --------------------------------------------------------------------

    def verify(self, call: InboundCall, *, now: datetime) -> Verification:
        return webhooks.verify(call, now=now, secrets=(self.config.client_secret, *self.config.previous_secrets))

    def interpret(self, event: InboundEvent, expected: ExpectedPayment) -> Interpretation:
        return webhooks.interpret(event, expected)
