"""Reseller commission invoices as PDF, in the shared invoice layout (invoice_layout.py)."""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from adapters.gateways.invoice_layout import FONT, labelled_fields, latin1, open_invoice
from application.earnings.ports import InvoiceDocument

COMPANY = "Partnerpay"
FOOTNOTE = (
    "Commissions are computed in minor units and rounded down. "
    "Negative lines are clawbacks of refunded sales already invoiced or paid."
)


class FpdfInvoiceRenderer:
    def render(self, document: InvoiceDocument) -> bytes:
        pdf = open_invoice(
            title=f"Invoice {document.number}",
            author=COMPANY,
            created=document.issued_at,
            heading="Commission invoice",
        )
        labelled_fields(
            pdf,
            (
                ("Invoice number", document.number),
                ("Period", document.period),
                ("Issued", document.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
                ("Reseller", document.reseller_name),
                ("Business", document.reseller_business or "-"),
                ("Referral code", document.referral_code),
                ("Billed to", COMPANY),
                ("Currency", document.currency),
            ),
            label_width=40,
        )

        widths = (24, 106, 30, 30)
        pdf.set_font(FONT, "B", 9)
        for width, title, align in zip(widths, ("Date", "Description", "Net sale", "Amount"), "LLRR", strict=True):
            pdf.cell(width, 7, title, border="B", align=align, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.ln(7)
        pdf.set_font(FONT, "", 8)
        for date, description, sale, amount in document.lines:
            pdf.cell(widths[0], 6, latin1(date), new_x=XPos.RIGHT, new_y=YPos.TOP)
            text = latin1(description)
            while text and pdf.get_string_width(text) > widths[1] - 2:
                text = text[:-2] + "."
            pdf.cell(widths[1], 6, text, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.cell(widths[2], 6, sale, align="R", new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.cell(widths[3], 6, amount, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(sum(widths[:3]), 8, "Total", border="T", new_x=XPos.RIGHT, new_y=YPos.TOP)
        total = f"{document.total} {document.currency}"
        pdf.cell(widths[3], 8, total, border="T", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        pdf.set_font(FONT, "I", 8)
        pdf.multi_cell(0, 5, FOOTNOTE)
        return bytes(pdf.output())
