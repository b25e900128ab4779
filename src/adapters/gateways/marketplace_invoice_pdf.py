"""Marketplace invoices as PDF, in the shared invoice layout (invoice_layout.py).

Amounts print with their ISO code ("INR 1,250.00"), never a float.
"""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF

from adapters.gateways.invoice_layout import FONT, labelled_fields, latin1, open_invoice
from domain.catalog.invoice import Invoice, Party
from domain.shared.money import Money, currency_exponent

TITLE = "Tax invoice"


def money(amount: Money) -> str:
    return f"{amount.currency} {amount.to_decimal():,.{currency_exponent(amount.currency)}f}"


def percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


class InvoicePdfRenderer:
    def __init__(self, *, issuer: str = "Partnerpay Marketplace") -> None:
        self._issuer = issuer

    def render(self, invoice: Invoice) -> bytes:
        pdf = open_invoice(
            title=f"Invoice {invoice.number}",
            author=self._issuer,
            created=invoice.issued_at,
            heading=TITLE if invoice.has_tax else "Invoice",
        )
        labelled_fields(
            pdf,
            (
                ("Invoice number", invoice.number),
                ("Issued", invoice.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
                ("Order", invoice.order_id),
            ),
            label_width=35,
        )
        self._parties(pdf, invoice.seller, invoice.buyer)
        self._lines(pdf, invoice)
        self._totals(pdf, invoice)
        self._footer(pdf, invoice)
        return bytes(pdf.output())

    def _parties(self, pdf: FPDF, seller: Party, buyer: Party) -> None:
        top = pdf.get_y()
        half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
        for column, (label, party) in enumerate((("Seller", seller), ("Bill to", buyer))):
            pdf.set_xy(pdf.l_margin + column * half, top)
            pdf.set_font(FONT, "B", 10)
            pdf.cell(half, 6, label, new_x="LEFT", new_y="NEXT")
            pdf.set_font(FONT, "", 10)
            text = "\n".join(part for part in (party.name, party.email, party.address) if part)
            pdf.multi_cell(half - 4, 5, latin1(text) or "-", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + 30))
        pdf.ln(4)

    def _lines(self, pdf: FPDF, invoice: Invoice) -> None:
        widths = (95, 20, 35, 35)
        pdf.set_font(FONT, "B", 10)
        pdf.set_fill_color(235, 235, 235)
        for width, title, align in zip(widths, ("Description", "Qty", "Unit price", "Amount"), "LRRR", strict=True):
            pdf.cell(width, 8, title, border=1, align=align, fill=True)
        pdf.ln()
        pdf.set_font(FONT, "", 10)
        for line in invoice.lines:
            cells = (latin1(line.description)[:60], str(line.quantity), money(line.unit_price), money(line.amount))
            for width, text, align in zip(widths, cells, "LRRR", strict=True):
                pdf.cell(width, 8, text, border=1, align=align)
            pdf.ln()

    def _totals(self, pdf: FPDF, invoice: Invoice) -> None:
        rows = [("Subtotal", money(invoice.subtotal))]
        if invoice.has_tax:
            rows.append((f"GST {percent(invoice.tax_rate)}", money(invoice.tax)))
        rows.append(("Total", money(invoice.total)))
        pdf.ln(2)
        for index, (label, value) in enumerate(rows):
            last = index == len(rows) - 1
            pdf.set_font(FONT, "B" if last else "", 10)
            pdf.cell(115, 7, "")
            pdf.cell(35, 7, label, align="R")
            pdf.cell(35, 7, value, align="R", new_x="LMARGIN", new_y="NEXT")

    def _footer(self, pdf: FPDF, invoice: Invoice) -> None:
        pdf.ln(6)
        pdf.set_font(FONT, "", 9)
        note = f"Paid in full. {invoice.payment_reference}".strip() if invoice.payment_reference else "Paid in full."
        pdf.multi_cell(0, 5, latin1(f"{note}\nIssued by {self._issuer} on behalf of the seller."))
