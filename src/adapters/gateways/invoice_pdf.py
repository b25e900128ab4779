"""Reseller invoice PDFs with fpdf2 (pure Python, no system libraries).

The built-in Helvetica covers Latin-1 only, so text is transliterated to it and amounts carry
the ISO currency code instead of a symbol.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from application.earnings.ports import InvoiceDocument

COMPANY = "Partnerpay"
FOOTNOTE = (
    "Commissions are computed in minor units and rounded down. "
    "Negative lines are clawbacks of refunded sales already invoiced or paid."
)


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


class FpdfInvoiceRenderer:
    def render(self, document: InvoiceDocument) -> bytes:
        pdf = FPDF(format="A4")
        pdf.set_title(f"Invoice {document.number}")
        pdf.set_author(COMPANY)
        pdf.set_creation_date(document.issued_at)
        pdf.add_page()
        pdf.set_auto_page_break(auto=True, margin=15)

        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 10, "Commission invoice", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 10)
        for label, value in (
            ("Invoice number", document.number),
            ("Period", document.period),
            ("Issued", document.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
            ("Reseller", document.reseller_name),
            ("Business", document.reseller_business or "-"),
            ("Referral code", document.referral_code),
            ("Billed to", COMPANY),
            ("Currency", document.currency),
        ):
            pdf.cell(40, 6, _latin1(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.cell(0, 6, _latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)

        widths = (24, 106, 30, 30)
        pdf.set_font("Helvetica", "B", 9)
        for width, title, align in zip(widths, ("Date", "Description", "Net sale", "Amount"), "LLRR", strict=True):
            pdf.cell(width, 7, title, border="B", align=align, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.ln(7)
        pdf.set_font("Helvetica", "", 8)
        for date, description, sale, amount in document.lines:
            pdf.cell(widths[0], 6, _latin1(date), new_x=XPos.RIGHT, new_y=YPos.TOP)
            text = _latin1(description)
            while text and pdf.get_string_width(text) > widths[1] - 2:
                text = text[:-2] + "."
            pdf.cell(widths[1], 6, text, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.cell(widths[2], 6, sale, align="R", new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.cell(widths[3], 6, amount, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(sum(widths[:3]), 8, "Total", border="T", new_x=XPos.RIGHT, new_y=YPos.TOP)
        total = f"{document.total} {document.currency}"
        pdf.cell(widths[3], 8, total, border="T", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(0, 5, FOOTNOTE)
        return bytes(pdf.output())
