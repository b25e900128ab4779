"""A local SSLCommerz (v4 API, the subset we use) under ``/simulators/sslcommerz/``.

Same paths and fields as SSLCommerz: the session API (``gwprocess/v4/api.php``, form POST), a gateway
page with Pay / Pay (risky) / Fail / Cancel buttons, the IPN (form POST to ``ipn_url`` with
``verify_key``/``verify_sign`` made with the configured store password), the validation API
(``validator/api/validationserverAPI.php``: VALID the first time, VALIDATED after) and the
transaction/refund API (``validator/api/merchantTransIDvalidationAPI.php``). After paying, the
browser is sent to ``success_url``/``fail_url``/``cancel_url`` with the same fields, by a form POST.

Amounts in other currencies are converted to BDT at fixed rates; ``currency_type`` and
``currency_amount`` keep what was asked. State lives in this process; IPNs go out from a thread
(``GATEWAY_SIMULATOR_SYNC_CALLBACKS`` sends them inline).
"""

from __future__ import annotations

import hmac
import itertools
import secrets
import threading
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import httpx
import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from domain.payments.gateway_signatures import sslcommerz_sign_fields

log = structlog.get_logger("partnerpay.simulators.sslcommerz")

CALLBACK_TRANSPORT: httpx.BaseTransport | None = None
RATES_TO_BDT = {
    "BDT": Decimal("1"),
    "USD": Decimal("120"),
    "EUR": Decimal("130"),
    "GBP": Decimal("150"),
    "INR": Decimal("1.4"),
}
REQUIRED = (
    "total_amount",
    "currency",
    "tran_id",
    "success_url",
    "fail_url",
    "cancel_url",
    "cus_name",
    "cus_email",
    "cus_add1",
    "cus_city",
    "cus_country",
    "cus_phone",
    "shipping_method",
    "product_name",
    "product_category",
    "product_profile",
)
CENTS = Decimal("0.01")

_lock = threading.Lock()
_ids = itertools.count(int(time.time()) % 10_000_000 * 100)
SESSIONS: dict[str, dict[str, Any]] = {}
BY_VAL_ID: dict[str, dict[str, Any]] = {}
REFUNDS: dict[str, dict[str, Any]] = {}


def _credentials_ok(fields: Any) -> bool:
    store_id = str(fields.get("store_id", ""))
    password = str(fields.get("store_passwd", ""))
    return hmac.compare_digest(store_id.encode(), settings.SSLCOMMERZ_STORE_ID.encode()) and hmac.compare_digest(
        password.encode(), settings.SSLCOMMERZ_STORE_PASSWORD.encode()
    )


def _money(value: Decimal) -> str:
    return str(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


# --- session API and gateway page ---------------------------------------------------------------


@csrf_exempt
def session_api(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"status": "FAILED", "failedreason": "POST only"})
    fields = request.POST
    if not _credentials_ok(fields):
        return JsonResponse({"status": "FAILED", "failedreason": "Store Credential Error Or Store is De-active"})
    missing = next((name for name in REQUIRED if not fields.get(name)), None)
    if missing:
        return JsonResponse({"status": "FAILED", "failedreason": f"Invalid Information! '{missing}' is missing"})
    currency = fields["currency"].upper()
    try:
        amount = Decimal(fields["total_amount"])
    except InvalidOperation:
        amount = Decimal(0)
    if currency not in RATES_TO_BDT or not amount.is_finite() or not Decimal("10") <= amount * RATES_TO_BDT[currency]:
        return JsonResponse({"status": "FAILED", "failedreason": "Invalid amount or currency (minimum 10.00 BDT)"})
    sessionkey = secrets.token_hex(16).upper()
    with _lock:
        SESSIONS[sessionkey] = {
            "sessionkey": sessionkey,
            "fields": dict(fields.items()),
            "amount": amount,
            "currency": currency,
            "state": "OPEN",
            "transactions": [],
        }
    page = request.build_absolute_uri(f"/simulators/sslcommerz/gwprocess/v4/gw.php?Q=pay&SESSIONKEY={sessionkey}")
    return JsonResponse(
        {
            "status": "SUCCESS",
            "failedreason": "",
            "sessionkey": sessionkey,
            "GatewayPageURL": page,
            "redirectGatewayURL": page,
            "storeBanner": "",
            "storeLogo": "",
            "desc": [],
            "is_direct_pay_enable": "0",
        }
    )


def gateway_page(request: HttpRequest) -> HttpResponse:
    session = SESSIONS.get(request.GET.get("SESSIONKEY", ""))
    if session is None:
        return HttpResponse("<h1>Unknown session</h1>", status=404)
    key = escape(session["sessionkey"])
    buttons = "".join(
        f'<form method="post" action="/simulators/sslcommerz/gwprocess/v4/gw.php/{action}?SESSIONKEY={key}" '
        f'style="display:inline"><button type="submit" style="font-size:1.1em;margin:.3em">{label}</button></form>'
        for action, label in (("pay", "Pay"), ("risky", "Pay (flagged risky)"), ("fail", "Fail"), ("cancel", "Cancel"))
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>SSLCommerz simulator</title></head>"
        "<body style='font-family:sans-serif;max-width:32em;margin:3em auto'>"
        "<p style='color:#a00'>Local SSLCommerz simulator — no real money moves.</p>"
        f"<h1>Pay {escape(_money(session['amount']))} {escape(session['currency'])}</h1>"
        f"<p>Transaction <code>{escape(session['fields']['tran_id'])}</code> ({escape(session['state'])}).</p>"
        f"{buttons if session['state'] == 'OPEN' else ''}</body></html>"
    )
    return HttpResponse(page, content_type="text/html; charset=utf-8")


@csrf_exempt
def gateway_action(request: HttpRequest, action: str) -> HttpResponse:
    if request.method != "POST" or action not in {"pay", "risky", "fail", "cancel"}:
        return HttpResponse(status=405)
    with _lock:
        session = SESSIONS.get(request.GET.get("SESSIONKEY", ""))
        if session is None or session["state"] != "OPEN":
            return HttpResponse("<h1>This session can no longer be paid</h1>", status=409)
        transaction = _transaction(session, action)
        session["state"] = transaction["status"]
        session["transactions"].append(transaction)
        if transaction.get("val_id"):
            BY_VAL_ID[transaction["val_id"]] = transaction
    ipn = sslcommerz_sign_fields(_ipn_fields(transaction), settings.SSLCOMMERZ_STORE_PASSWORD)
    ipn_url = session["fields"].get("ipn_url")
    if ipn_url:
        _run(lambda: _post_ipn(ipn_url, ipn))
    target = session["fields"][
        {"pay": "success_url", "risky": "success_url", "fail": "fail_url"}.get(action, "cancel_url")
    ]
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in ipn.items() if k != "store_passwd"
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Returning…</title></head>"
        f'<body onload="document.forms[0].submit()"><form method="post" action="{escape(target)}">{inputs}'
        "<noscript><button type='submit'>Continue</button></noscript></form></body></html>"
    )
    return HttpResponse(page, content_type="text/html; charset=utf-8")


def _transaction(session: dict[str, Any], action: str) -> dict[str, Any]:
    fields = session["fields"]
    currency = session["currency"]
    rate = RATES_TO_BDT[currency]
    bdt = session["amount"] * rate
    status = {"pay": "VALID", "risky": "VALID", "fail": "FAILED", "cancel": "CANCELLED"}[action]
    paid = status == "VALID"
    return {
        "status": status,
        "tran_date": _now(),
        "tran_id": fields["tran_id"],
        "val_id": f"{datetime.now(UTC):%y%m%d%H%M%S}{secrets.token_hex(6)}" if paid else "",
        "amount": _money(bdt),
        "store_amount": _money(bdt * Decimal("0.975")),
        "currency": "BDT",
        "bank_tran_id": f"{datetime.now(UTC):%y%m%d%H%M%S}{next(_ids)}" if action != "cancel" else "",
        "card_type": "VISA-Dutch Bangla" if action != "cancel" else "",
        "card_no": "432149XXXXXX0667" if action != "cancel" else "",
        "card_issuer": "STANDARD CHARTERED BANK",
        "card_brand": "VISA",
        "card_issuer_country": "Bangladesh",
        "card_issuer_country_code": "BD",
        "currency_type": currency,
        "currency_amount": _money(session["amount"]),
        "currency_rate": str(rate),
        "base_fair": "0.00",
        "value_a": fields.get("value_a", ""),
        "value_b": fields.get("value_b", ""),
        "value_c": fields.get("value_c", ""),
        "value_d": fields.get("value_d", ""),
        "risk_level": "1" if action == "risky" else "0",
        "risk_title": "Risky transaction, verify before delivery" if action == "risky" else "Safe",
        "error": {"fail": "Declined by the simulator", "cancel": "Cancelled by the customer"}.get(action, ""),
        "validations": 0,
        "refunded": Decimal(0),
    }


def _ipn_fields(transaction: dict[str, Any]) -> dict[str, str]:
    keys = (
        "amount",
        "bank_tran_id",
        "base_fair",
        "card_brand",
        "card_issuer",
        "card_issuer_country",
        "card_issuer_country_code",
        "card_no",
        "card_type",
        "currency",
        "currency_amount",
        "currency_rate",
        "currency_type",
        "error",
        "risk_level",
        "risk_title",
        "status",
        "store_amount",
        "tran_date",
        "tran_id",
        "val_id",
        "value_a",
        "value_b",
        "value_c",
        "value_d",
    )
    fields = {key: str(transaction[key]) for key in keys}
    fields["store_id"] = settings.SSLCOMMERZ_STORE_ID
    return fields


def _run(job: Any) -> None:
    if getattr(settings, "GATEWAY_SIMULATOR_SYNC_CALLBACKS", False):
        job()
    else:
        threading.Thread(target=job, daemon=True, name="sslcommerz-simulator-ipn").start()


def _post_ipn(url: str, fields: dict[str, str]) -> None:
    for attempt in range(1, 4):
        try:
            with httpx.Client(timeout=30, transport=CALLBACK_TRANSPORT, trust_env=False) as client:
                status = client.post(url, data=fields).status_code
        except httpx.HTTPError as exc:
            log.warning("simulator_ipn_failed", url=url, error=str(exc))
            status = 0
        if 200 <= status < 300 or getattr(settings, "GATEWAY_SIMULATOR_SYNC_CALLBACKS", False):
            return
        time.sleep(attempt * 2)


# --- validation, transaction and refund APIs ----------------------------------------------------


def validation_api(request: HttpRequest) -> HttpResponse:
    if not _credentials_ok(request.GET):
        return JsonResponse({"status": "INVALID_TRANSACTION", "APIConnect": "INVALID_REQUEST"})
    with _lock:
        transaction = BY_VAL_ID.get(request.GET.get("val_id", ""))
        if transaction is None or transaction["status"] not in {"VALID", "VALIDATED"}:
            return JsonResponse({"status": "INVALID_TRANSACTION", "APIConnect": "DONE"})
        transaction["validations"] += 1
        status = "VALID" if transaction["validations"] == 1 else "VALIDATED"
        answer = {k: v for k, v in transaction.items() if k not in {"validations", "refunded", "error"}}
    answer.update(status=status, APIConnect="DONE", validated_on=_now(), gw_version="", emi_instalment="0")
    return JsonResponse(answer)


def _all_transactions() -> list[dict[str, Any]]:
    return [t for s in SESSIONS.values() for t in s["transactions"]]


def query_api(request: HttpRequest) -> HttpResponse:
    """merchantTransIDvalidationAPI.php: refund (bank_tran_id), refund status (refund_ref_id),
    transactions by tran_id or sessionkey."""
    query = request.GET
    if not _credentials_ok(query):
        return JsonResponse({"APIConnect": "INVALID_REQUEST"})
    if query.get("refund_ref_id"):
        return _refund_status(query["refund_ref_id"])
    if query.get("bank_tran_id"):
        return _refund(query)
    if query.get("tran_id") or query.get("sessionkey"):
        with _lock:
            if query.get("sessionkey"):
                session = SESSIONS.get(query["sessionkey"])
                found = list(session["transactions"]) if session else []
            else:
                found = [t for t in _all_transactions() if t["tran_id"] == query["tran_id"]]
            element = [
                {k: str(v) for k, v in t.items() if k not in {"validations", "refunded"}}
                | {"status": "VALIDATED" if t["validations"] else t["status"]}
                for t in found
            ]
        return JsonResponse({"APIConnect": "DONE", "no_of_trans_found": len(element), "element": element})
    return JsonResponse({"APIConnect": "INVALID_REQUEST"})


def _refund(query: Any) -> HttpResponse:
    with _lock:
        transaction = next((t for t in _all_transactions() if t["bank_tran_id"] == query["bank_tran_id"]), None)
        if transaction is None or transaction["status"] not in {"VALID", "VALIDATED"}:
            return JsonResponse({"APIConnect": "DONE", "status": "failed", "errorReason": "Invalid bank_tran_id"})
        try:
            amount = Decimal(query.get("refund_amount", ""))
        except InvalidOperation:
            amount = Decimal(0)
        bdt = Decimal(transaction["amount"])
        if (
            not amount.is_finite()
            or amount <= 0
            or transaction["refunded"] + amount * Decimal(transaction["currency_rate"]) > bdt
        ):
            return JsonResponse({"APIConnect": "DONE", "status": "failed", "errorReason": "Invalid refund amount"})
        transaction["refunded"] += amount * Decimal(transaction["currency_rate"])
        reference = f"RF{next(_ids)}"
        REFUNDS[reference] = {
            "bank_tran_id": transaction["bank_tran_id"],
            "tran_id": transaction["tran_id"],
            "refund_ref_id": reference,
            "initiated_on": _now(),
            "refunded_on": "",
            "status": "processing",
        }
    return JsonResponse(
        {
            "APIConnect": "DONE",
            "bank_tran_id": transaction["bank_tran_id"],
            "trans_id": transaction["tran_id"],
            "refund_ref_id": reference,
            "status": "success",
            "errorReason": "",
        }
    )


def _refund_status(reference: str) -> HttpResponse:
    with _lock:
        refund = REFUNDS.get(reference)
        if refund is None:
            return JsonResponse({"APIConnect": "DONE", "status": "failed", "errorReason": "Invalid refund_ref_id"})
        # By the time anyone asks, the bank has done it.
        if refund["status"] == "processing":
            refund.update(status="refunded", refunded_on=_now())
        answer = dict(refund)
    return JsonResponse({"APIConnect": "DONE", **answer, "errorReason": ""})
