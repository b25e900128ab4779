"""Money per currency for display, exact from decimal strings; server-side charts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from entrypoints.portal.charts import bar_chart
from entrypoints.portal.formatting import format_money, format_percent, humanize_code


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("123456.5", "INR", "₹1,23,456.50"),
        ("12345678.00", "INR", "₹1,23,45,678.00"),
        ("999.99", "INR", "₹999.99"),
        ("1234567.891", "KWD", "KWD 1,234,567.891"),
        ("-5", "USD", "-$5.00"),
        ("1000", "JPY", "¥1,000"),
        ("0.5", "BDT", "৳0.50"),
        ("1234.5", "EUR", "€1,234.50"),
        ("12", "XYZ", "12 XYZ"),
        (None, "INR", "—"),
    ],
)
def test_money_per_currency(amount, currency, shown):
    assert format_money(amount, currency) == shown


def test_percentages_and_codes():
    assert format_percent(1, 3) == "33.3%"
    assert format_percent(0, 0) == "—"
    assert humanize_code("refund_exceeds_captured") == "Refund exceeds captured"
    assert humanize_code("upi") == "UPI"


def test_bar_chart_escapes_and_labels_the_newest_bar():
    svg = str(bar_chart([("<a>", Decimal("1"), "x<y"), ("b", Decimal("3"), "t")], title="T & co", label_every=5))
    assert "<a>" not in svg
    assert "&lt;a&gt;" not in svg  # label of the first bar skipped: only every 5th from the newest
    assert ">b</text>" in svg
    assert "x&lt;y" in svg
    assert 'aria-label="T &amp; co"' in svg
    assert str(bar_chart([], title="none")).startswith('<p class="empty">')
