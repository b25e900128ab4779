"""Earnings' settings, read into the application's config when the container is built."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from application.earnings.ports import EarningsConfig
from domain.shared.money import Money


def earnings_config(*, live_deployment: bool, payouts_livemode: bool) -> EarningsConfig:
    """The deployment's two flags come from the composition root (``entrypoints.deployment``)."""
    currency = str(_setting("EARNINGS_PROGRAM_CURRENCY", "INR")).upper()
    return EarningsConfig(
        program_currency=currency,
        hold_days=int(_setting("COMMISSION_HOLD_DAYS", 14)),
        payout_minimum_minor=Money.parse(str(_setting("PAYOUT_MINIMUM", "500.00")), currency).minor,
        live_deployment=live_deployment,
        payouts_livemode=payouts_livemode,
    )


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)
