"""Reseller invoices: issue a period's invoice, list and read them, download the PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from application.earnings.ports import InvoiceFilter
from entrypoints.api.auth import principal
from entrypoints.api.earnings.access import RESELLER_OR_ADMIN, earnings
from entrypoints.api.earnings.schemas.common import period_or_none
from entrypoints.api.earnings.schemas.invoices import (
    InvoiceIn,
    InvoiceOut,
    InvoicePage,
    InvoiceQuery,
    invoice_out,
    invoice_summary_out,
)
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES

router = Router(tags=["reseller-invoices"])


@router.post(
    "", response={201: InvoiceOut, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="reseller_invoices_create"
)
@idempotent
def reseller_invoices_create(request: HttpRequest, payload: InvoiceIn) -> Status[InvoiceOut]:
    invoice = earnings().invoice_issue(
        principal=principal(request), period=payload.period, reseller_id=payload.reseller_id
    )
    return Status(201, invoice_out(invoice))


@router.get(
    "", response={200: InvoicePage, **PROBLEM_RESPONSES}, auth=RESELLER_OR_ADMIN, operation_id="reseller_invoices_list"
)
def reseller_invoices_list(request: HttpRequest, query: Query[InvoiceQuery]) -> InvoicePage:
    filters = InvoiceFilter(reseller_id=query.reseller_id, period=period_or_none(query.period), status=query.status)
    page = earnings().invoices_list(principal=principal(request), filters=filters, page=query.page_request())
    return InvoicePage(items=[invoice_summary_out(i) for i in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{invoice_id}",
    response={200: InvoiceOut, **PROBLEM_RESPONSES},
    auth=RESELLER_OR_ADMIN,
    operation_id="reseller_invoices_get",
)
def reseller_invoices_get(request: HttpRequest, invoice_id: str) -> InvoiceOut:
    return invoice_out(earnings().invoice_get(principal=principal(request), invoice_id=invoice_id))


@router.get(
    "/{invoice_id}/pdf",
    response=PROBLEM_RESPONSES,
    auth=RESELLER_OR_ADMIN,
    operation_id="reseller_invoices_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invoice as a PDF (409 invoice_not_ready while it is being generated)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def reseller_invoices_pdf(request: HttpRequest, invoice_id: str) -> HttpResponse:
    invoice, pdf = earnings().invoice_pdf(principal=principal(request), invoice_id=invoice_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response
