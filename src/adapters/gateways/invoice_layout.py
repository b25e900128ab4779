"""The layout every invoice PDF shares (fpdf2, built-in Helvetica: no files, no network).

An invoice opens on A4 with its metadata, a bold heading, then labelled fields (a label column, the
value running to the right margin); each renderer adds its own lines and totals below. The built-in
fonts cover Latin-1 only, so text is transliterated: other characters print as "?" rather than failing
the job, and amounts carry the ISO currency code instead of a symbol.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fpdf import FPDF

FONT = "Helvetica"


def latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def open_invoice(*, title: str, author: str, created: datetime, heading: str) -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(author))
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 10, latin1(heading), new_x="LMARGIN", new_y="NEXT")
    return pdf


def labelled_fields(pdf: FPDF, rows: Iterable[tuple[str, str]], *, label_width: float) -> None:
    pdf.set_font(FONT, "", 10)
    for label, value in rows:
        pdf.cell(label_width, 6, latin1(label))
        pdf.cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
