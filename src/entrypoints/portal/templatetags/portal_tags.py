"""Template filters: money per currency, status badges, codes in words."""

from __future__ import annotations

from typing import Any

from django import template

from entrypoints.portal.formatting import format_money, humanize_code

register = template.Library()


@register.filter
def money(amount: Any, currency: str) -> str:
    """``{{ payment.amount|money:payment.currency }}`` -> ``₹1,00,000.00``."""
    return format_money(amount, currency or "INR")


@register.filter
def words(code: Any) -> str:
    return humanize_code(str(code or ""))


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
