"""Provider wiring: the payment providers this deployment offers, one plugin each, in one registry.

- ``card``: no real card acquirer exists yet; the sandbox processor is wired only when
  ``SANDBOX_COMPONENTS`` names it (the default outside production). Otherwise card payments are 422
  ``payment_method_unavailable``.
- ``bank_transfer``: real money confirmed by an admin, always offered.
- ``cashfree``, ``sslcommerz``: with credentials, the provider itself; without, its local simulator
  (``/simulators/...``, fixed development credentials) if ``SANDBOX_COMPONENTS`` names it (never in
  production), otherwise not offered at all.

Every provider sits behind ``OutsideTransactions``: a provider call made inside a database transaction
raises, so the phases of docs/gateways.md are enforced, not just intended. Providers are built from
settings with every container, so tests can point them at a server of their own.
"""

from __future__ import annotations

from typing import cast

import httpx
from django.conf import settings

from adapters.gateways.outside_transactions import OutsideTransactions
from adapters.providers.bank_transfer import BankTransferGateway
from adapters.providers.cashfree.provider import CashfreeGateway
from adapters.providers.sandbox_card import SandboxCardGateway
from adapters.providers.sslcommerz.provider import SslcommerzGateway
from application.gateways.providers import Provider, ProviderRegistry

# Tests may route every provider call through a transport of their own (e.g. httpx.WSGITransport).
HTTP_TRANSPORT: httpx.BaseTransport | None = None


def build() -> ProviderRegistry:
    registry = ProviderRegistry()
    if "card" in settings.SANDBOX_COMPONENTS:
        registry.add(_guarded(SandboxCardGateway(sleep=getattr(settings, "SANDBOX_CARD_DELAYS", True))))
    registry.add(_guarded(BankTransferGateway()))
    if _offered(settings.CASHFREE_SIMULATED, "cashfree"):
        registry.add(_guarded(CashfreeGateway.from_settings(transport=HTTP_TRANSPORT)))
    if _offered(settings.SSLCOMMERZ_SIMULATED, "sslcommerz"):
        registry.add(_guarded(SslcommerzGateway.from_settings(transport=HTTP_TRANSPORT)))
    return registry


def _guarded(provider: Provider) -> Provider:
    # The guard forwards every attribute, so it plays the roles of the provider it wraps.
    return cast(Provider, OutsideTransactions(provider, name=f"{provider.method}_gateway"))


def _offered(simulated: bool, component: str) -> bool:
    return not simulated or component in settings.SANDBOX_COMPONENTS
