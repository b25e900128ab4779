"""Browser return pages: where a hosted checkout sends the buyer back.

They only read: the payment changes through webhooks, IPNs and reconciliation, never because a
browser came back saying "success".
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from ninja import Router

from application.payments.services import PaymentsServices
from domain.payments.payment import Payment
from entrypoints.api.problems import problem_response
from entrypoints.bootstrap import container

router = Router(tags=["gateways"])


def payments() -> PaymentsServices:
    return container().payments


def _return_page(request: HttpRequest, payment_id: str, reported: str) -> HttpResponse:
    payment = payments().payment_for_return(payment_id=payment_id) if payment_id else None
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
