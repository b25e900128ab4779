"""Reseller invoices: a period's commissions on one numbered document, with its PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from domain.earnings.invoice import Invoice, InvoiceStatus
from entrypoints.api.earnings.schemas.common import PERIOD_PATTERN, money
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema


class InvoiceIn(InputSchema):
    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026-11"])
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins: the reseller to invoice")


class InvoiceLineOut(Schema):
    commission_id: str
    kind: str
    payment_id: str
    description: str
    sale_amount: str
    amount: str
    earned_at: datetime


class ResellerInvoiceSummaryOut(Schema):
    id: str
    number: str = Field(examples=["INV-202611-0001"])
    reseller_id: str
    period: str
    currency: str
    total: str
    status: str
    issued_at: datetime
    paid_at: datetime | None
    pdf_ready: bool
    pdf_url: str


class InvoiceOut(ResellerInvoiceSummaryOut):
    lines: list[InvoiceLineOut]


class InvoicePage(Schema):
    items: list[ResellerInvoiceSummaryOut]
    next_cursor: str | None


class InvoiceQuery(PageQuery):
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN)
    status: InvoiceStatus | None = None
    reseller_id: str | None = Field(default=None, max_length=64, description="Admins only")


def _invoice_fields(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "reseller_id": invoice.reseller_id,
        "period": str(invoice.period),
        "currency": invoice.currency,
        "total": money(invoice.total_minor, invoice.currency),
        "status": invoice.status.value,
        "issued_at": invoice.issued_at,
        "paid_at": invoice.paid_at,
        "pdf_ready": invoice.pdf_ready,
        "pdf_url": f"/api/v1/reseller-invoices/{invoice.id}/pdf",
    }


def invoice_summary_out(invoice: Invoice) -> ResellerInvoiceSummaryOut:
    return ResellerInvoiceSummaryOut(**_invoice_fields(invoice))


def invoice_out(invoice: Invoice) -> InvoiceOut:
    return InvoiceOut(
        **_invoice_fields(invoice),
        lines=[
            InvoiceLineOut(
                commission_id=line.commission_id,
                kind=line.kind,
                payment_id=line.payment_id,
                description=line.description,
                sale_amount=money(line.sale_minor, invoice.currency),
                amount=money(line.amount_minor, invoice.currency),
                earned_at=line.earned_at,
            )
            for line in invoice.lines
        ],
    )
