"""Reseller pages (seed 003): dashboard, commissions, invoices, payouts, leads, referrals, activity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from application.earnings.leads import LeadChanges
from application.earnings.payouts import RequestPayout
from application.earnings.ports import CommissionFilter, InvoiceFilter, LeadFilter, PayoutFilter
from application.earnings.services import EarningsServices
from application.shared.errors import ApplicationError, NotFound
from application.shared.pagination import PageRequest
from domain.earnings.commission import CommissionStatus
from domain.earnings.invoice import Period
from domain.earnings.lead import LEAD_TRANSITIONS, LeadDetails, LeadStatus
from domain.earnings.reseller import ResellerDetails
from domain.identity.user import Role
from domain.shared.errors import DomainError
from entrypoints.api.earnings.schemas.commissions import commission_out
from entrypoints.api.earnings.schemas.invoices import InvoiceIn, invoice_out
from entrypoints.api.earnings.schemas.leads import LeadIn, LeadPatchIn, lead_out
from entrypoints.api.earnings.schemas.payouts import PayoutIn, payout_out
from entrypoints.api.earnings.schemas.resellers import (
    ResellerApplyIn,
    activity_out,
    referral_out,
    reseller_out,
    stats_out,
)
from entrypoints.bootstrap import container
from entrypoints.portal.charts import bar_chart
from entrypoints.portal.formatting import format_money
from entrypoints.portal.web import (
    FormErrors,
    form_data,
    page,
    page_request,
    portal_view,
    principal_of,
    problem_of,
    validate,
)

reseller = portal_view(Role.RESELLER)


def earnings() -> EarningsServices:
    return container().earnings


def _stats(request: HttpRequest) -> Any:
    # The same use case and mapping as GET /api/v1/resellers/me/stats.
    return stats_out(earnings().reseller_stats(principal=principal_of(request)))


def _tier_progress(stats: Any) -> int:
    if stats.next_tier is None:
        return 100
    target = Decimal(stats.next_tier.min_sales)
    if target <= 0:
        return 100
    return min(100, int(Decimal(stats.trailing_sales) * 100 / target))


@reseller
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        stats = _stats(request)
    except NotFound as exc:
        if exc.code != "reseller_not_found":
            raise
        return _apply(request)
    chart = bar_chart(
        [
            (month, Decimal(amount), f"{month}: {format_money(amount, stats.currency)}")
            for month, amount in ((m.month, m.amount) for m in stats.earnings_by_month)
        ],
        title=f"Earnings by month in {stats.currency}",
        label_every=2,
        peak_label=format_money(max((Decimal(m.amount) for m in stats.earnings_by_month), default=0), stats.currency),
    )
    context = {
        "stats": stats,
        "progress": _tier_progress(stats),
        "chart": chart,
        "statuses": [(s.value, stats.commissions_by_status.get(s.value)) for s in CommissionStatus],
    }
    return page(request, "portal/reseller/dashboard.html", context)


def _apply(request: HttpRequest) -> HttpResponse:
    """A reseller account without an application yet: the application form (POST /resellers)."""
    form = {"business_name": "", "phone": "", "website": "", "pitch": ""}
    errors = FormErrors()
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in form}
        payload, errors = validate(ResellerApplyIn, form_data(request, *form))
        if payload is not None:
            try:
                earnings().reseller_apply(
                    principal=principal_of(request),
                    details=ResellerDetails(
                        business_name=payload.business_name,
                        phone=payload.phone,
                        website=payload.website,
                        pitch=payload.pitch,
                    ),
                )
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                messages.success(
                    request, "Application sent. An admin reviews it; your referral code works once approved."
                )
                return HttpResponseRedirect(reverse("portal:reseller_dashboard"))
    status = errors.status if errors else 200
    return page(request, "portal/reseller/apply.html", {"form": form, "errors": errors}, status=status)


# --- commissions --------------------------------------------------------------------------------


@reseller
def commissions(request: HttpRequest) -> HttpResponse:
    raw_status = request.GET.get("status", "")
    raw_period = request.GET.get("period", "").strip()
    errors = FormErrors()
    status = None
    period = None
    try:
        status = CommissionStatus(raw_status) if raw_status else None
        period = Period.parse(raw_period) if raw_period else None
    except ValueError:
        errors = FormErrors(
            detail=f"Unknown status {raw_status!r}", code="validation_error", fields={"status": "unknown"}
        )
    except DomainError as exc:
        errors = problem_of(exc)
    items: list[Any] = []
    next_cursor = None
    if not errors:
        result = earnings().commissions_list(
            principal=principal_of(request),
            filters=CommissionFilter(status=status, period=period),
            page=page_request(request),
        )
        items = [commission_out(c) for c in result.items]
        next_cursor = result.next_cursor
    context = {
        "commissions": items,
        "next_cursor": next_cursor,
        "statuses": [s.value for s in CommissionStatus],
        "status": raw_status,
        "period": raw_period,
        "errors": errors,
    }
    return page(request, "portal/reseller/commissions.html", context, status=errors.status if errors else 200)


# --- invoices -----------------------------------------------------------------------------------


@reseller
@require_http_methods(["GET", "POST"])
def invoices(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    form = {"period": timezone.now().strftime("%Y-%m")}
    errors = FormErrors()
    if request.method == "POST":
        form = {"period": request.POST.get("period", "").strip()}
        payload, errors = validate(InvoiceIn, form_data(request, "period"))
        if payload is not None:
            try:
                invoice = earnings().invoice_issue(principal=principal, period=payload.period, reseller_id=None)
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                messages.success(
                    request, f"Invoice {invoice.number} issued for {format_money(_total(invoice), invoice.currency)}."
                )
                return HttpResponseRedirect(reverse("portal:reseller_invoices"))
    result = earnings().invoices_list(principal=principal, filters=InvoiceFilter(), page=page_request(request))
    context = {
        "invoices": [invoice_out(i) for i in result.items],
        "next_cursor": result.next_cursor,
        "form": form,
        "errors": errors,
    }
    return page(request, "portal/reseller/invoices.html", context, status=errors.status if errors else 200)


def _total(invoice: Any) -> str:
    return str(invoice_out(invoice).total)


@reseller
def invoice_pdf(request: HttpRequest, invoice_id: str) -> HttpResponse:
    try:
        invoice, pdf = earnings().invoice_pdf(principal=principal_of(request), invoice_id=invoice_id)
    except (ApplicationError, DomainError) as exc:
        if problem_of(exc).status in {403, 404}:
            raise
        messages.error(request, f"{exc.message} ({exc.code})")
        return HttpResponseRedirect(reverse("portal:reseller_invoices"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


# --- payouts ------------------------------------------------------------------------------------


@reseller
@require_http_methods(["GET", "POST"])
def payouts(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    form = {"amount": "", "method": "upi", "destination": ""}
    errors = FormErrors()
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in form}
        payload, errors = validate(PayoutIn, form_data(request, *form))
        if payload is not None:
            try:
                command = RequestPayout(amount=payload.amount, method=payload.method, destination=payload.destination)
                payout = earnings().payout_request(principal=principal, command=command)
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                messages.success(
                    request,
                    f"Payout of {format_money(payout.amount.to_decimal_string(), payout.amount.currency)} requested; "
                    "an admin approves it.",
                )
                return HttpResponseRedirect(reverse("portal:reseller_payouts"))
    stats = _stats(request)
    result = earnings().payouts_list(principal=principal, filters=PayoutFilter(), page=page_request(request))
    context = {
        "stats": stats,
        "payouts": [payout_out(p) for p in result.items],
        "next_cursor": result.next_cursor,
        "form": form,
        "errors": errors,
    }
    return page(request, "portal/reseller/payouts.html", context, status=errors.status if errors else 200)


# --- leads --------------------------------------------------------------------------------------


def _lead_columns(principal: Any) -> list[dict[str, Any]]:
    found = earnings().leads_list(
        principal=principal, filters=LeadFilter(), page=PageRequest.build(limit=100, cursor=None)
    )
    leads = [lead_out(lead) for lead in found.items]
    return [
        {
            "status": status.value,
            "leads": [
                {"lead": lead, "moves": [t.value for t in LeadStatus if t in LEAD_TRANSITIONS[status]]}
                for lead in leads
                if lead.status == status.value
            ],
        }
        for status in LeadStatus
    ]


@reseller
@require_http_methods(["GET", "POST"])
def leads(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    names = ("name", "company", "email", "phone", "notes")
    form = dict.fromkeys(names, "")
    errors = FormErrors()
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in names}
        payload, errors = validate(LeadIn, form_data(request, *names))
        if payload is not None:
            try:
                lead = earnings().lead_create(
                    principal=principal,
                    details=LeadDetails(
                        name=payload.name,
                        company=payload.company,
                        email=payload.email,
                        phone=payload.phone,
                        notes=payload.notes,
                    ),
                )
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                messages.success(request, f"Lead {lead.details.name} added.")
                return HttpResponseRedirect(reverse("portal:reseller_leads"))
    summary = earnings().leads_summary(principal=principal)
    context = {"columns": _lead_columns(principal), "summary": summary, "form": form, "errors": errors}
    return page(request, "portal/reseller/leads.html", context, status=errors.status if errors else 200)


@reseller
@require_POST
def lead_move(request: HttpRequest, lead_id: str) -> HttpResponse:
    principal = principal_of(request)
    payload, errors = validate(LeadPatchIn, form_data(request, "status", "lost_reason"))
    if payload is not None and payload.status is not None:
        try:
            lead = earnings().lead_update(
                principal=principal,
                lead_id=lead_id,
                changes=LeadChanges(details={}, status=payload.status.value, lost_reason=payload.lost_reason),
            )
        except NotFound:
            raise
        except (ApplicationError, DomainError) as exc:
            errors = problem_of(exc)
        else:
            messages.success(request, f"{lead.details.name} is now {lead.status.value}.")
            return HttpResponseRedirect(reverse("portal:reseller_leads"))
    elif payload is not None:
        errors = FormErrors(
            detail="Choose the stage to move to", code="validation_error", fields={"status": "required"}
        )
    summary = earnings().leads_summary(principal=principal)
    context = {"columns": _lead_columns(principal), "summary": summary, "form": {}, "errors": errors}
    return page(request, "portal/reseller/leads.html", context, status=errors.status)


# --- referrals and activity ---------------------------------------------------------------------


@reseller
def referrals(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    services = earnings()
    me = reseller_out(services.reseller_me(principal=principal), currency=services.config.program_currency)
    result = services.referrals_list(principal=principal, page=page_request(request))
    signup = request.build_absolute_uri(reverse("portal:signup")) + f"?referral_code={me.referral_code}"
    context = {
        "reseller": me,
        "signup_link": signup,
        "referrals": [referral_out(a) for a in result.items],
        "next_cursor": result.next_cursor,
    }
    return page(request, "portal/reseller/referrals.html", context)


@reseller
def activity(request: HttpRequest) -> HttpResponse:
    result = earnings().activity_list(principal=principal_of(request), page=page_request(request))
    context = {"entries": [activity_out(e) for e in result.items], "next_cursor": result.next_cursor}
    return page(request, "portal/reseller/activity.html", context)
