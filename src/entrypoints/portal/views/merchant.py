"""Merchant pages (seed 002): dashboard with stats charts, orders, payments and refunds, webhooks, API keys."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from application.notifications.ports import DeliveryFilter
from application.payments.ports import OrderFilter, PaymentFilter, RefundFilter
from application.payments.refunds import CreateRefund
from application.payments.services import PaymentsServices
from application.shared.errors import ApplicationError
from application.shared.pagination import PageRequest
from domain.identity.user import Role
from domain.payments.order import OrderStatus
from domain.payments.payment import PaymentStatus
from domain.shared.errors import DomainError
from domain.shared.money import Money
from entrypoints.api.identity import schemas as identity_api
from entrypoints.api.notifications import schemas as notifications_api
from entrypoints.api.payments import schemas as payments_api
from entrypoints.bootstrap import container
from entrypoints.portal.charts import bar_chart, meter
from entrypoints.portal.formatting import format_money, format_percent
from entrypoints.portal.web import (
    FormErrors,
    form_data,
    page,
    page_request,
    portal_view,
    principal_of,
    problem_of,
    uuid_or_404,
    validate,
)

merchant = portal_view(Role.MERCHANT)
CHART_DAYS = 30

REVIEW_INTENT = re.compile(r"[0-9a-f]{32}")


def payments_service() -> PaymentsServices:
    return container().payments


# --- dashboard ----------------------------------------------------------------------------------


def _volume_chart(stats: payments_api.StatsOut, currency: str, today: date) -> Any:
    by_day = {d.day: Decimal(d.volume) for d in stats.daily if d.currency == currency}
    days = [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
    points = [
        (
            day.strftime("%d %b"),
            by_day.get(day, Decimal(0)),
            f"{day:%d %b %Y}: {format_money(by_day.get(day, 0), currency)}",
        )
        for day in days
    ]
    peak = max((value for _, value, _ in points), default=Decimal(0))
    return bar_chart(
        points,
        title=f"Captured volume per day in {currency}, last {CHART_DAYS} days",
        label_every=7,
        peak_label=format_money(peak, currency),
    )


@merchant
def dashboard(request: HttpRequest) -> HttpResponse:
    # The same use case and the same mapping as GET /api/v1/merchants/me/stats.
    stats = payments_api.StatsOut(
        **payments_api.stats_out(payments_service().merchant_stats(principal=principal_of(request), since=None))
    )
    attempts = stats.successful_payments + stats.failed_payments
    currencies = sorted({v.currency for v in stats.volume} | {d.currency for d in stats.daily}) or ["INR"]
    today = timezone.now().date()
    charts = [{"currency": c, "svg": _volume_chart(stats, c, today)} for c in currencies]
    context = {
        "stats": stats,
        "attempts": attempts,
        "success_rate": format_percent(stats.successful_payments, attempts),
        "failure_rate": format_percent(stats.failed_payments, attempts),
        "success_meter": meter(stats.successful_payments, attempts, label="Success rate"),
        "failure_meter": meter(stats.failed_payments, attempts, label="Failure rate", css="bad"),
        "charts": charts,
    }
    return page(request, "portal/merchant/dashboard.html", context)


# --- orders and payments ------------------------------------------------------------------------


def _choice(raw: str | None, enum: Any) -> Any:
    try:
        return enum(raw) if raw else None
    except ValueError:
        return None


@merchant
def orders(request: HttpRequest) -> HttpResponse:
    status = _choice(request.GET.get("status"), OrderStatus)
    result = payments_service().orders_list(
        principal=principal_of(request), filters=OrderFilter(status=status), page=page_request(request)
    )
    context = {
        "orders": [payments_api.order_out(o) for o in result.items],
        "next_cursor": result.next_cursor,
        "statuses": [s.value for s in OrderStatus],
        "status": status.value if status else "",
    }
    return page(request, "portal/merchant/orders.html", context)


@merchant
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    principal = principal_of(request)
    order = payments_service().order_get(principal=principal, order_id=order_id)
    found = payments_service().payments_list(
        principal=principal,
        filters=PaymentFilter(order_id=str(order.id)),
        page=PageRequest.build(limit=100, cursor=None),
    )
    context = {"order": payments_api.order_out(order), "payments": [payments_api.payment_out(p) for p in found.items]}
    return page(request, "portal/merchant/order_detail.html", context)


@merchant
def payments(request: HttpRequest) -> HttpResponse:
    status = _choice(request.GET.get("status"), PaymentStatus)
    result = payments_service().payments_list(
        principal=principal_of(request), filters=PaymentFilter(status=status), page=page_request(request)
    )
    context = {
        "payments": [payments_api.payment_out(p) for p in result.items],
        "next_cursor": result.next_cursor,
        "statuses": [s.value for s in PaymentStatus],
        "status": status.value if status else "",
    }
    return page(request, "portal/merchant/payments.html", context)


def _payment_context(request: HttpRequest, payment_id: str) -> dict[str, Any]:
    principal = principal_of(request)
    payment = payments_api.payment_out(payments_service().payment_get(principal=principal, payment_id=payment_id))
    refunds = payments_service().refunds_list(
        principal=principal,
        filters=RefundFilter(payment_id=payment.id),
        page=PageRequest.build(limit=100, cursor=None),
    )
    left = Decimal(payment.amount_captured) - Decimal(payment.amount_refunded)
    return {
        "payment": payment,
        "refunds": [payments_api.refund_out(r) for r in refunds.items],
        "refundable": left if left > 0 else Decimal(0),
        "form": {"amount": "", "reason": ""},
        "errors": FormErrors(),
    }


@merchant
def payment_detail(request: HttpRequest, payment_id: str) -> HttpResponse:
    return page(request, "portal/merchant/payment_detail.html", _payment_context(request, payment_id))


@merchant
@require_POST
def payment_refund(request: HttpRequest, payment_id: str) -> HttpResponse:
    """Two steps: the form posts to a confirmation page; only ``confirm=yes`` refunds."""
    context = _payment_context(request, payment_id)
    payment = context["payment"]
    typed = {"amount": request.POST.get("amount", "").strip(), "reason": request.POST.get("reason", "").strip()}
    context["form"] = typed
    body = {"payment_id": payment.id, **form_data(request, "amount", "reason")}
    payload, errors = validate(payments_api.RefundCreateIn, body)
    if payload is None:
        context["errors"] = errors
        return page(request, "portal/merchant/payment_detail.html", context, status=422)
    if request.POST.get("confirm") != "yes":
        try:
            # The amount as the use case will read it (the currency's decimals), so the review shows no surprise.
            shown = Money.parse(payload.amount, payment.currency).to_decimal_string() if payload.amount else None
        except (ApplicationError, DomainError) as exc:
            context["errors"] = problem_of(exc)
            return page(request, "portal/merchant/payment_detail.html", context, status=context["errors"].status)
        shown = shown or str(context["refundable"])
        context["confirm_amount"] = format_money(shown, payment.currency)
        # This review's intent: confirming it twice (a double click, a resent form) is one refund.
        context["intent"] = uuid.uuid4().hex
        return page(request, "portal/merchant/refund_confirm.html", context)
    if request.POST.get("seen_refunded", payment.amount_refunded) != payment.amount_refunded:
        # A second click on "Refund" or a refund made meanwhile: nothing is done twice without a new review.
        context["errors"] = FormErrors(
            detail="This payment was refunded since you reviewed the refund; review it again.",
            code="stale_form",
            status=409,
        )
        return page(request, "portal/merchant/payment_detail.html", context, status=409)
    intent = request.POST.get("intent", "")
    principal = principal_of(request)
    intent_key = f"user:{principal.user_id}|portal-refund|{intent}" if REVIEW_INTENT.fullmatch(intent) else None
    try:
        refund = payments_service().refund_create(
            principal=principal,
            command=CreateRefund(
                payment_id=payment.id, amount=payload.amount, reason=payload.reason, intent_key=intent_key
            ),
        )
    except (ApplicationError, DomainError) as exc:
        context["errors"] = problem_of(exc)
        return page(request, "portal/merchant/payment_detail.html", context, status=context["errors"].status)
    messages.success(
        request,
        f"Refund of {format_money(refund.amount.to_decimal_string(), refund.amount.currency)} is {refund.status}.",
    )
    return HttpResponseRedirect(reverse("portal:merchant_payment", args=[payment.id]))


# --- webhook endpoints --------------------------------------------------------------------------


@merchant
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    form = {"url": "", "events": "payment.*, order.*", "description": ""}
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in form}
        events = [e.strip() for e in form["events"].replace("\n", ",").split(",") if e.strip()]
        payload, errors = validate(
            notifications_api.EndpointIn, {"url": form["url"], "events": events, "description": form["description"]}
        )
        if payload is not None:
            try:
                created = container().notifications.endpoint_create(
                    owner_id=principal.user_id, url=payload.url, events=payload.events, description=payload.description
                )
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                messages.success(request, "Endpoint created. Copy its signing secret now: it is shown only once.")
                return _webhook_page(request, str(created.endpoint.id), secret=created.secret, status=201)
        status = errors.status
    result = container().notifications.endpoints_list(owner_id=principal.user_id, page=page_request(request))
    context = {
        "endpoints": [notifications_api.endpoint_out(e) for e in result.items],
        "next_cursor": result.next_cursor,
        "form": form,
        "errors": errors,
    }
    return page(request, "portal/merchant/webhooks.html", context, status=status)


def _webhook_page(
    request: HttpRequest,
    endpoint_id: str,
    *,
    secret: str | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> HttpResponse:
    """An endpoint with its deliveries. A new secret is only ever in the response that created it:
    the portal keeps no copy (not in the session either), as the API answers it once."""
    principal = principal_of(request)
    notifications = container().notifications
    endpoint = notifications_api.endpoint_out(
        notifications.endpoint_get(owner_id=principal.user_id, endpoint_id=endpoint_id)
    )
    deliveries = notifications.deliveries_list(
        owner_id=principal.user_id, endpoint_id=endpoint_id, filters=DeliveryFilter(), page=page_request(request)
    )
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "deliveries": [notifications_api.delivery_out(d) for d in deliveries.items],
        "next_cursor": deliveries.next_cursor,
        "replay_since": request.POST.get("since", since),
        "errors": errors or FormErrors(),
    }
    return page(request, "portal/merchant/webhook_detail.html", context, status=status)


@merchant
def webhook_detail(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    return _webhook_page(request, uuid_or_404(endpoint_id))


@merchant
@require_POST
def webhook_rotate(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    rotated = container().notifications.endpoint_rotate_secret(
        owner_id=principal_of(request).user_id, endpoint_id=uuid_or_404(endpoint_id)
    )
    messages.success(request, "Secret rotated. The old secret keeps signing for 24 hours; copy the new one now.")
    return _webhook_page(request, str(rotated.endpoint.id), secret=rotated.secret)


@merchant
@require_POST
def webhook_replay(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint_id = uuid_or_404(endpoint_id)
    payload, errors = validate(notifications_api.ReplayIn, form_data(request, "since", "until"))
    if payload is not None:
        try:
            replayed = container().notifications.endpoint_replay(
                owner_id=principal_of(request).user_id,
                endpoint_id=endpoint_id,
                since=payload.since,
                until=payload.until,
            )
        except (ApplicationError, DomainError) as exc:
            errors = problem_of(exc)
        else:
            more = " More remain: replay again." if replayed.has_more else ""
            messages.success(request, f"{replayed.count} failed deliveries sent again.{more}")
            return HttpResponseRedirect(reverse("portal:merchant_webhook", args=[endpoint_id]))
    return _webhook_page(request, endpoint_id, errors=errors, status=errors.status)


@merchant
def delivery_detail(request: HttpRequest, delivery_id: str) -> HttpResponse:
    detail = container().notifications.delivery_get(
        owner_id=principal_of(request).user_id, delivery_id=uuid_or_404(delivery_id)
    )
    context = {
        "delivery": notifications_api.delivery_out(detail.delivery),
        "attempts": [notifications_api.attempt_out(a) for a in detail.attempts],
        "payload": _pretty(detail.delivery.body),
    }
    return page(request, "portal/merchant/delivery_detail.html", context)


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2)
    except ValueError:
        return body


@merchant
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: str) -> HttpResponse:
    delivery = container().notifications.delivery_retry(
        owner_id=principal_of(request).user_id, delivery_id=uuid_or_404(delivery_id)
    )
    messages.success(request, "Delivery sent again now (same webhook-id).")
    return HttpResponseRedirect(reverse("portal:merchant_delivery", args=[delivery.id]))


# --- API keys -----------------------------------------------------------------------------------


@merchant
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    form = {"name": ""}
    errors = FormErrors()
    status = 200
    new_key = None
    if request.method == "POST":
        form = {"name": request.POST.get("name", "").strip()}
        payload, errors = validate(identity_api.ApiKeyIn, form_data(request, "name"))
        if payload is not None:
            try:
                created = container().identity.api_key_create(principal=principal, name=payload.name)
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                # Shown in this response only: the plaintext is never stored, not even in the session.
                new_key = {"name": created.key.name, "key": created.plaintext}
                form = {"name": ""}
                messages.success(request, "API key created. Copy it now: it is shown only once.")
        status = 201 if new_key else errors.status
    return api_keys_page(request, form=form, errors=errors, new_key=new_key, status=status)


def api_keys_page(
    request: HttpRequest, *, form: dict[str, str], errors: FormErrors, new_key: dict[str, str] | None, status: int
) -> HttpResponse:
    keys = [identity_api.key_out(k) for k in container().identity.api_keys_list(principal=principal_of(request))]
    context = {"keys": keys, "new_key": new_key, "form": form, "errors": errors}
    return page(request, "portal/merchant/api_keys.html", context, status=status)


@merchant
@require_POST
def api_key_revoke(request: HttpRequest, key_id: str) -> HttpResponse:
    container().identity.api_key_revoke(principal=principal_of(request), key_id=uuid_or_404(key_id))
    messages.success(request, "API key revoked: requests with it are refused from now on.")
    return HttpResponseRedirect(reverse("portal:merchant_api_keys"))
