"""Live vs sandbox: what this deployment has wired that does not move real money.

``SANDBOX_COMPONENTS`` (settings.env) names what *may* be simulated; a component is *in use*
when nothing real stands in its place (the Cashfree simulator only while no credentials are
configured, the SAP simulator only while ``SAP_BASE_URL`` is unset). Provider sandboxes
(real credentials for Cashfree's or SSLCommerz's own test environment) are not our simulators
but are not real money either. Settings are read per call so tests can change them.
"""

from __future__ import annotations

from typing import Any

import structlog
from django.conf import settings

log = structlog.get_logger("partnerpay.deployment")


def _setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


def named() -> tuple[str, ...]:
    return tuple(_setting("SANDBOX_COMPONENTS", ()))


def is_live() -> bool:
    """A live deployment moves real money: sandbox-made money must have no real-world effect in it."""
    return bool(_setting("LIVEMODE", False))


def sandbox_in_use() -> list[str]:
    components = named()
    used = {"card", "payouts"} & set(components)
    if "cashfree" in components and _setting("CASHFREE_SIMULATED", True):
        used.add("cashfree")
    if "sslcommerz" in components and _setting("SSLCOMMERZ_SIMULATED", True):
        used.add("sslcommerz")
    if _setting("SAP_SIMULATOR", False):
        used.add("sap")
    return [name for name in components if name in used]


def provider_sandboxes() -> list[str]:
    """Real providers reached with test credentials (e.g. CASHFREE_ENVIRONMENT=sandbox)."""
    found = []
    if not _setting("CASHFREE_SIMULATED", True) and not _setting("CASHFREE_LIVEMODE", False):
        found.append("cashfree")
    if not _setting("SSLCOMMERZ_SIMULATED", True) and not _setting("SSLCOMMERZ_LIVEMODE", False):
        found.append("sslcommerz")
    return found


def sandbox_methods() -> frozenset[str]:
    """Payment methods whose payments are not real money (``livemode: false``)."""
    methods = set()
    if "card" in named():
        methods.add("card")
    if not _setting("CASHFREE_LIVEMODE", False):
        methods.add("cashfree")
    if not _setting("SSLCOMMERZ_LIVEMODE", False):
        methods.add("sslcommerz")
    return frozenset(methods)


def payouts_livemode() -> bool:
    return "payouts" not in named()


def erp_livemode() -> bool:
    return not _setting("SAP_SIMULATOR", False)


def describe() -> dict[str, Any]:
    return {
        "livemode": is_live(),
        "sandbox_components": sandbox_in_use(),
        "provider_sandboxes": provider_sandboxes(),
    }


def banner() -> str:
    """The admin's site header: what is simulated, in capitals, when anything is."""
    parts = sandbox_in_use() + [f"{name} (provider sandbox)" for name in provider_sandboxes()]
    return f"SANDBOX: {', '.join(parts)}" if parts else ""


def log_startup() -> None:
    """Once per process: what is simulated. A warning in a live deployment, where it matters most."""
    described = describe()
    if described["sandbox_components"] or described["provider_sandboxes"]:
        emit = log.warning if described["livemode"] else log.info
        emit("sandbox_components_in_use", **described)
    else:
        log.info("live_components_only", **described)
