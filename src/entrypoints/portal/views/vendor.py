"""Vendor pages (seed 001): services with variants and stock, and marketplace orders to complete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from application.catalog.ports import ServiceFilter
from application.catalog.use_cases import CreateService, CreateVariant, UpdateService, UpdateVariant
from application.payments.ports import OrderFilter
from application.shared.errors import ApplicationError
from domain.identity.user import Role
from domain.payments.order import OrderStatus
from domain.shared.errors import DomainError
from entrypoints.api.catalog import schemas as catalog_api
from entrypoints.api.payments import schemas as payments_api
from entrypoints.bootstrap import container
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

vendor = portal_view(Role.VENDOR)
COMPLETABLE = {OrderStatus.PAID.value, OrderStatus.PROCESSING.value}


@vendor
@require_http_methods(["GET", "POST"])
def services(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    names = ("name", "category", "description")
    form = dict.fromkeys(names, "")
    errors = FormErrors()
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in names}
        payload, errors = validate(catalog_api.ServiceIn, form_data(request, *names))
        if payload is not None:
            try:
                created = container().catalog.service_create(
                    principal=principal,
                    command=CreateService(
                        name=payload.name, description=payload.description, category=payload.category
                    ),
                )
            except (ApplicationError, DomainError) as exc:
                errors = problem_of(exc)
            else:
                messages.success(request, f"Service {created.name} created. Add its variants and stock.")
                return HttpResponseRedirect(reverse("portal:vendor_service", args=[created.id]))
    found = container().catalog.services_list(principal=principal, filters=ServiceFilter(), page=page_request(request))
    context = {
        "services": [catalog_api.service_out(s) for s in found.items],
        "next_cursor": found.next_cursor,
        "active": request.portal_user.profile.is_active,  # type: ignore[attr-defined]
        "form": form,
        "errors": errors,
    }
    return page(request, "portal/vendor/services.html", context, status=errors.status if errors else 200)


def _service_context(request: HttpRequest, service_id: str) -> dict[str, Any]:
    found, variants = container().catalog.service_get(principal=principal_of(request), service_id=service_id)
    return {
        "service": catalog_api.service_out(found),
        "variants": [catalog_api.variant_out(v) for v in variants],
        "form": {"name": "", "price": "", "currency": "INR", "stock": "0"},
        "errors": FormErrors(),
        "stock_errors": FormErrors(),
    }


@vendor
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    return page(request, "portal/vendor/service_detail.html", _service_context(request, service_id))


@vendor
@require_POST
def variant_create(request: HttpRequest, service_id: str) -> HttpResponse:
    context = _service_context(request, service_id)
    names = ("name", "price", "currency", "stock")
    context["form"] = {name: request.POST.get(name, "").strip() for name in names}
    payload, errors = validate(catalog_api.VariantIn, form_data(request, *names))
    if payload is not None:
        try:
            created = container().catalog.variant_create(
                principal=principal_of(request),
                service_id=context["service"].id,
                command=CreateVariant(
                    name=payload.name, price=payload.price, currency=payload.currency, stock=payload.stock
                ),
            )
        except (ApplicationError, DomainError) as exc:
            errors = problem_of(exc)
        else:
            messages.success(
                request, f"Variant {created.variant.name} added with {created.variant.available} in stock."
            )
            return HttpResponseRedirect(reverse("portal:vendor_service", args=[context["service"].id]))
    context["errors"] = errors
    return page(request, "portal/vendor/service_detail.html", context, status=errors.status)


@vendor
@require_POST
def service_toggle(request: HttpRequest, service_id: str) -> HttpResponse:
    active = request.POST.get("is_active") == "true"
    updated = container().catalog.service_update(
        principal=principal_of(request), service_id=service_id, command=UpdateService(is_active=active)
    )
    messages.success(request, f"{updated.name} is {'on sale' if updated.is_active else 'hidden from the catalog'}.")
    return HttpResponseRedirect(reverse("portal:vendor_service", args=[updated.id]))


@vendor
@require_POST
def variant_stock(request: HttpRequest, variant_id: str) -> HttpResponse:
    principal = principal_of(request)
    payload, errors = validate(catalog_api.VariantPatchIn, form_data(request, "stock_delta"))
    if payload is not None and payload.stock_delta is None:
        errors = FormErrors(
            detail="stock_delta: Field required", code="validation_error", fields={"stock_delta": "required"}
        )
    if payload is not None and not errors:
        try:
            updated = container().catalog.variant_update(
                principal=principal, variant_id=variant_id, command=UpdateVariant(stock_delta=payload.stock_delta)
            )
        except (ApplicationError, DomainError) as exc:
            errors = problem_of(exc)
        else:
            messages.success(request, f"{updated.variant.name}: {updated.variant.available} available now.")
            return HttpResponseRedirect(reverse("portal:vendor_service", args=[updated.variant.service_id]))
    service_id = request.POST.get("service_id", "")
    context = _service_context(request, service_id)
    context["stock_errors"] = errors
    return page(request, "portal/vendor/service_detail.html", context, status=errors.status)


@vendor
def orders(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("status", "")
    status = OrderStatus(raw) if raw in {s.value for s in OrderStatus} else None
    found = container().marketplace.marketplace_orders_list(
        principal=principal_of(request), filters=OrderFilter(status=status), page=page_request(request)
    )
    context = {
        "orders": [payments_api.order_out(o) for o in found.items],
        "next_cursor": found.next_cursor,
        "statuses": [s.value for s in OrderStatus],
        "status": status.value if status else "",
        "completable": COMPLETABLE,
    }
    return page(request, "portal/vendor/orders.html", context)


@vendor
@require_POST
def order_complete(request: HttpRequest, order_id: str) -> HttpResponse:
    try:
        order = container().marketplace.marketplace_order_complete(principal=principal_of(request), order_id=order_id)
    except (ApplicationError, DomainError) as exc:
        problem = problem_of(exc)
        if problem.status == 404:
            raise
        messages.error(request, f"{exc.message} ({exc.code})")
    else:
        messages.success(request, f"Order {str(order.id)[:8]} completed.")
    return HttpResponseRedirect(reverse("portal:vendor_orders"))
