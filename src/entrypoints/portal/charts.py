"""Charts rendered on the server as inline SVG: no JavaScript, no chart library, readable at any width.

Values are Decimals (exact); only the pixel geometry is computed in floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 220
PAD_LEFT = 8
PAD_BOTTOM = 28
PAD_TOP = 22


def bar_chart(
    points: Sequence[tuple[str, Decimal, str]],
    *,
    title: str,
    label_every: int = 1,
    peak_label: str = "",
) -> SafeString:
    """``points`` are (axis label, value, tooltip text). The SVG scales with its container (viewBox)."""
    if not points:
        return format_html('<p class="empty">{}</p>', "No data yet.")
    peak = max((value for _, value, _ in points), default=Decimal(0))
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT * 2) / len(points)
    bar_w = max(2.0, slot * 0.7)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - PAD_LEFT}" '
        f'y2="{HEIGHT - PAD_BOTTOM}"/>',
    ]
    if peak_label and peak > 0:
        parts.append(f'<text class="label peak" x="{PAD_LEFT}" y="{PAD_TOP - 4}">max {escape(peak_label)}</text>')
    for index, (label, value, tip) in enumerate(points):
        ratio = float(value / peak) if peak > 0 else 0.0
        bar_h = max(0.0, ratio * plot_h)
        x = PAD_LEFT + index * slot + (slot - bar_w) / 2
        y = HEIGHT - PAD_BOTTOM - bar_h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" rx="2">'
            f"<title>{escape(tip)}</title></rect>"
        )
        # Counted from the newest bar, so the last one is always labelled and labels never collide.
        if (len(points) - 1 - index) % label_every == 0:
            parts.append(
                f'<text class="label" x="{x + bar_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def meter(part: int, whole: int, *, label: str, css: str = "ok") -> SafeString:
    """A horizontal bar showing part/whole, for success and failure rates."""
    pct = 0 if whole <= 0 else round(part * 100 / whole)
    return format_html(
        '<div class="meter {}" role="img" aria-label="{}: {}%"><span style="width: {}%"></span></div>',
        css,
        label,
        pct,
        pct,
    )
