"""A local Cashfree PG (API 2023-08-01, the subset we use) under ``/simulators/cashfree/``.

It speaks Cashfree's protocol: ``POST /pg/orders`` with ``x-client-id``/``x-client-secret``/
``x-api-version`` (and ``x-idempotency-key``), ``GET /pg/orders/{id}`` and ``/payments``, refunds under
``/pg/orders/{id}/refunds``. Its hosted checkout (``/checkout/{payment_session_id}``, linked from the
order's non-standard ``payment_link``) has Pay / Fail / Cancel buttons; each sends the webhook Cashfree
would send, signed with the configured client secret, to the order's ``notify_url``.

- Pay: ``PAYMENT_SUCCESS_WEBHOOK``, the order becomes PAID.
- Fail: ``PAYMENT_FAILED_WEBHOOK``; the order stays ACTIVE, as at Cashfree.
- Cancel: ``PAYMENT_USER_DROPPED_WEBHOOK``; the order is TERMINATED, which reconciliation then sees.
- A refund answers PENDING and completes a moment later with a ``REFUND_STATUS_WEBHOOK``.

State lives in this process (serve it from one web process, as ``make run`` does). Webhooks are sent
from a thread after the browser's request (set ``GATEWAY_SIMULATOR_SYNC_CALLBACKS`` to send inline).
"""

from __future__ import annotations

import hmac
import itertools
import json
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from domain.payments.gateway_signatures import cashfree_signature

log = structlog.get_logger("partnerpay.simulators.cashfree")

API_VERSION = "2023-08-01"
REFUND_DELAY_SECONDS = 2.0
# Tests may deliver callbacks through a transport of their own (e.g. httpx.WSGITransport).
CALLBACK_TRANSPORT: httpx.BaseTransport | None = None

_lock = threading.Lock()
_ids = itertools.count(int(time.time()) % 10_000_000 * 100)
ORDERS: dict[str, dict[str, Any]] = {}
SESSIONS: dict[str, str] = {}
IDEMPOTENT: dict[str, str] = {}
PAYMENTS: dict[str, list[dict[str, Any]]] = {}
REFUNDS: dict[str, dict[str, dict[str, Any]]] = {}


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _encode(value: Any) -> str:
    """JSON with Decimal amounts written as numbers, digit for digit, as Cashfree sends them."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    return json.dumps(value)


def _json(value: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(_encode(value), status=status, content_type="application/json")


def _error(status: int, message: str, code: str, kind: str = "invalid_request_error") -> HttpResponse:
    return _json({"message": message, "code": code, "type": kind}, status)


def _authenticated(request: HttpRequest) -> HttpResponse | None:
    client_id = request.headers.get("x-client-id", "")
    secret = request.headers.get("x-client-secret", "")
    ok = hmac.compare_digest(client_id.encode(), settings.CASHFREE_CLIENT_ID.encode()) and hmac.compare_digest(
        secret.encode(), settings.CASHFREE_CLIENT_SECRET.encode()
    )
    if not ok:
        return _error(401, "authentication Failed", "request_failed", "authentication_error")
    if not request.headers.get("x-api-version"):
        return _error(400, "x-api-version : is missing in the request", "request_failed")
    return None


def _amount(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 and value == value.quantize(Decimal("0.01")) else None


# --- API ----------------------------------------------------------------------------------------


@csrf_exempt
def orders(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "method not allowed", "request_failed")
    refused = _authenticated(request)
    if refused is not None:
        return refused
    try:
        body = json.loads(request.body, parse_float=Decimal)
    except ValueError:
        return _error(400, "request body is not valid json", "request_invalid")
    if not isinstance(body, dict):
        return _error(400, "request body is not valid json", "request_invalid")
    amount = _amount(body.get("order_amount"))
    customer = _obj(body.get("customer_details"))
    if amount is None:
        return _error(400, "order_amount : must be a positive number with at most 2 decimals", "order_amount_invalid")
    if not customer.get("customer_id") or not customer.get("customer_phone"):
        return _error(400, "customer_details.customer_phone : is missing in the request", "customer_details_invalid")
    key = request.headers.get("x-idempotency-key", "")
    with _lock:
        if key and key in IDEMPOTENT:
            return _json(ORDERS[IDEMPOTENT[key]])
        order_id = str(body.get("order_id") or f"order_{next(_ids)}")
        if order_id in ORDERS:
            return _error(409, "order with same id is already present", "order_already_exists")
        session = f"session_{secrets.token_urlsafe(24)}"
        meta = _obj(body.get("order_meta"))
        created: dict[str, Any] = {
            "cf_order_id": str(next(_ids)),
            "created_at": _now(),
            "customer_details": customer,
            "entity": "order",
            "order_amount": amount,
            "order_currency": str(body.get("order_currency") or "INR"),
            # As Cashfree: the merchant's order_expiry_time, else 30 days.
            "order_expiry_time": str(body.get("order_expiry_time") or "")
            or (datetime.now(UTC) + timedelta(days=30)).isoformat(timespec="seconds"),
            "order_id": order_id,
            "order_meta": {
                "return_url": meta.get("return_url"),
                "notify_url": meta.get("notify_url"),
                "payment_methods": None,
            },
            "order_note": body.get("order_note"),
            "order_splits": [],
            "order_status": "ACTIVE",
            "order_tags": body.get("order_tags"),
            "payment_session_id": session,
            "terminal_data": None,
            # Not in API 2023-08-01 (older versions had it): where a person pays on this simulator.
            "payment_link": request.build_absolute_uri(f"/simulators/cashfree/checkout/{session}"),
        }
        ORDERS[order_id] = created
        SESSIONS[session] = order_id
        PAYMENTS[order_id] = []
        REFUNDS[order_id] = {}
        if key:
            IDEMPOTENT[key] = order_id
    return _json(created)


@csrf_exempt
def order(request: HttpRequest, order_id: str) -> HttpResponse:
    refused = _authenticated(request)
    if refused is not None:
        return refused
    found = ORDERS.get(order_id)
    if found is None:
        return _error(404, "order not found", "order_not_found")
    if request.method == "PATCH":
        # Terminate Order: only an ACTIVE order can be terminated.
        try:
            wanted = json.loads(request.body).get("order_status")
        except (ValueError, AttributeError):
            wanted = None
        if wanted != "TERMINATED":
            return _error(400, "order_status : must be TERMINATED", "request_invalid")
        with _lock:
            if found["order_status"] != "ACTIVE":
                return _error(400, f"order is {found['order_status']}, it cannot be terminated", "order_invalid")
            found["order_status"] = "TERMINATED"
    return _json(found)


@csrf_exempt
def order_payments(request: HttpRequest, order_id: str) -> HttpResponse:
    refused = _authenticated(request)
    if refused is not None:
        return refused
    if order_id not in ORDERS:
        return _error(404, "order not found", "order_not_found")
    return _json(PAYMENTS.get(order_id, []))


@csrf_exempt
def order_refunds(request: HttpRequest, order_id: str) -> HttpResponse:
    refused = _authenticated(request)
    if refused is not None:
        return refused
    found = ORDERS.get(order_id)
    if found is None:
        return _error(404, "order not found", "order_not_found")
    if request.method == "GET":
        return _json(list(REFUNDS.get(order_id, {}).values()))
    try:
        body = json.loads(request.body, parse_float=Decimal)
    except ValueError:
        body = None
    amount = _amount(body.get("refund_amount")) if isinstance(body, dict) else None
    refund_id = str(body.get("refund_id") or "") if isinstance(body, dict) else ""
    if amount is None or not refund_id:
        return _error(400, "refund_amount and refund_id are required", "refund_invalid")
    with _lock:
        existing = REFUNDS[order_id].get(refund_id)
        if existing is not None:
            return _json(existing)
        if found["order_status"] != "PAID":
            return _error(400, "order is not paid", "refund_invalid")
        taken = sum((r["refund_amount"] for r in REFUNDS[order_id].values()), Decimal(0))
        if taken + amount > found["order_amount"]:
            return _error(400, "refund amount is greater than the refundable amount", "refund_amount_invalid")
        paid = next(p for p in PAYMENTS[order_id] if p["payment_status"] == "SUCCESS")
        refund = {
            "cf_payment_id": paid["cf_payment_id"],
            "cf_refund_id": str(next(_ids)),
            "refund_id": refund_id,
            "order_id": order_id,
            "entity": "refund",
            "refund_amount": amount,
            "refund_currency": found["order_currency"],
            "refund_note": body.get("refund_note") if isinstance(body, dict) else None,
            "refund_status": "PENDING",
            "refund_arn": None,
            "refund_charge": Decimal("0"),
            "status_description": "In Progress",
            "refund_type": "MERCHANT_INITIATED",
            "refund_mode": "STANDARD",
            "created_at": _now(),
            "processed_at": None,
        }
        REFUNDS[order_id][refund_id] = refund
        answer = dict(refund)
    _complete_refund_later(found, refund)
    return _json(answer)


@csrf_exempt
def order_refund(request: HttpRequest, order_id: str, refund_id: str) -> HttpResponse:
    refused = _authenticated(request)
    if refused is not None:
        return refused
    with _lock:
        found = REFUNDS.get(order_id, {}).get(refund_id)
        if found is not None:
            _settle_refund(found)  # by the time anyone asks, the bank has done it
            found = dict(found)
    return _json(found) if found else _error(404, "refund not found", "refund_not_found")


def _settle_refund(refund: dict[str, Any]) -> None:
    if refund["refund_status"] == "PENDING":
        refund.update(
            refund_status="SUCCESS",
            status_description="Refund processed successfully",
            refund_arn=str(next(_ids)),
            processed_at=_now(),
        )


def _complete_refund_later(found: dict[str, Any], refund: dict[str, Any]) -> None:
    """Cashfree completes refunds asynchronously and then sends REFUND_STATUS_WEBHOOK.

    The webhook goes out a little later, after the merchant's refund request has committed. With
    synchronous callbacks (tests) none is sent: the refund completes when it is next read.
    """
    if getattr(settings, "GATEWAY_SIMULATOR_SYNC_CALLBACKS", False):
        return

    def complete() -> None:
        time.sleep(REFUND_DELAY_SECONDS)
        with _lock:
            _settle_refund(refund)
            snapshot = dict(refund)
        _send(found, {"data": {"refund": snapshot}, "event_time": _now(), "type": "REFUND_STATUS_WEBHOOK"})

    threading.Thread(target=complete, daemon=True, name="cashfree-simulator-refund").start()


# --- hosted checkout ----------------------------------------------------------------------------


def checkout(request: HttpRequest, session: str) -> HttpResponse:
    found = ORDERS.get(SESSIONS.get(session, ""))
    if found is None:
        return HttpResponse("<h1>Unknown or expired payment session</h1>", status=404)
    buttons = "".join(
        f'<form method="post" action="/simulators/cashfree/checkout/{escape(session)}/{action}" style="display:inline">'
        f'<button type="submit" style="font-size:1.1em;margin:.3em">{label}</button></form>'
        for action, label in (("pay", "Pay"), ("fail", "Fail"), ("cancel", "Cancel"))
    )
    state = escape(found["order_status"])
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Cashfree simulator</title></head>"
        "<body style='font-family:sans-serif;max-width:32em;margin:3em auto'>"
        "<p style='color:#a00'>Local Cashfree simulator — no real money moves.</p>"
        f"<h1>Pay {escape(str(found['order_amount']))} {escape(found['order_currency'])}</h1>"
        f"<p>Order <code>{escape(found['order_id'])}</code> is <strong>{state}</strong>.</p>"
        f"{buttons if found['order_status'] == 'ACTIVE' else ''}</body></html>"
    )
    return HttpResponse(page, content_type="text/html; charset=utf-8")


@csrf_exempt
def checkout_action(request: HttpRequest, session: str, action: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    order_id = SESSIONS.get(session, "")
    with _lock:
        found = ORDERS.get(order_id)
        if found is None or found["order_status"] != "ACTIVE" or action not in {"pay", "fail", "cancel"}:
            return HttpResponse("<h1>This order can no longer be paid</h1>", status=409)
        attempt = {
            "cf_payment_id": str(next(_ids)),
            "order_id": order_id,
            "entity": "payment",
            "is_captured": action == "pay",
            "order_amount": found["order_amount"],
            "payment_amount": found["order_amount"],
            "payment_currency": found["order_currency"],
            "payment_group": "upi",
            "payment_method": {"upi": {"channel": "collect", "upi_id": "success@upi"}},
            "payment_time": _now(),
            "payment_completion_time": _now(),
            "bank_reference": str(next(_ids)),
            "auth_id": None,
            "payment_status": {"pay": "SUCCESS", "fail": "FAILED", "cancel": "USER_DROPPED"}[action],
            "payment_message": {
                "pay": "Simulated payment",
                "fail": "Declined by the simulator",
                "cancel": "The buyer left",
            }[action],
        }
        PAYMENTS[order_id].append(attempt)
        if action == "pay":
            found["order_status"] = "PAID"
        elif action == "cancel":
            found["order_status"] = "TERMINATED"
        snapshot = dict(found)
    _run(lambda: _send(snapshot, _payment_webhook(snapshot, attempt, action)))
    return_url = snapshot["order_meta"].get("return_url")
    if return_url:
        return HttpResponseRedirect(return_url.replace("{order_id}", order_id))
    return checkout(request, session)


def _payment_webhook(found: dict[str, Any], attempt: dict[str, Any], action: str) -> dict[str, Any]:
    kind = {
        "pay": "PAYMENT_SUCCESS_WEBHOOK",
        "fail": "PAYMENT_FAILED_WEBHOOK",
        "cancel": "PAYMENT_USER_DROPPED_WEBHOOK",
    }
    payment_keys = (
        "cf_payment_id",
        "payment_status",
        "payment_amount",
        "payment_currency",
        "payment_message",
        "payment_time",
        "bank_reference",
        "auth_id",
        "payment_method",
        "payment_group",
    )
    data: dict[str, Any] = {
        "order": {
            "order_id": found["order_id"],
            "order_amount": found["order_amount"],
            "order_currency": found["order_currency"],
            "order_tags": found["order_tags"],
        },
        "payment": {key: attempt[key] for key in payment_keys},
        "customer_details": found["customer_details"],
        "payment_gateway_details": {
            "gateway_name": "CASHFREE",
            "gateway_order_id": found["cf_order_id"],
            "gateway_payment_id": attempt["cf_payment_id"],
            "gateway_status_code": None,
        },
        "payment_offers": None,
    }
    if action == "fail":
        data["error_details"] = {
            "error_code": "TRANSACTION_DECLINED",
            "error_description": "Declined by the simulator",
            "error_reason": "payment_declined",
            "error_source": "customer",
        }
    return {"data": data, "event_time": _now(), "type": kind[action]}


# --- callbacks ----------------------------------------------------------------------------------


def _run(job: Any) -> None:
    if getattr(settings, "GATEWAY_SIMULATOR_SYNC_CALLBACKS", False):
        job()
    else:
        threading.Thread(target=job, daemon=True, name="cashfree-simulator-callback").start()


def _send(found: dict[str, Any], event: dict[str, Any]) -> None:
    """Posts a signed webhook to the order's notify_url, retrying a few times as Cashfree would."""
    url = (found.get("order_meta") or {}).get("notify_url")
    if not url:
        return
    body = _encode(event).encode("utf-8")
    for attempt in range(1, 4):
        timestamp = str(int(time.time() * 1000))
        headers = {
            "content-type": "application/json",
            "x-webhook-timestamp": timestamp,
            "x-webhook-signature": cashfree_signature(settings.CASHFREE_CLIENT_SECRET, timestamp, body),
            "x-webhook-version": API_VERSION,
            "x-webhook-attempt": str(attempt),
            "x-idempotency-key": f"{event['type']}:{found['order_id']}:{attempt}",
        }
        try:
            with httpx.Client(timeout=15, transport=CALLBACK_TRANSPORT, trust_env=False) as client:
                status = client.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError as exc:
            log.warning("simulator_webhook_failed", url=url, error=str(exc))
            status = 0
        if 200 <= status < 300 or getattr(settings, "GATEWAY_SIMULATOR_SYNC_CALLBACKS", False):
            return
        time.sleep(attempt)
