"""The composition root: the one package that picks adapters and wires use cases to them.

``container()`` holds what every context shares (clock, outbox, idempotency). Each context
has a module here (``bootstrap/ingest.py``, ...) with a ``wire(container)`` that registers
its outbox handlers, and small functions that run its use cases with real adapters.
Routers, tasks and commands call those functions; nothing else imports adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from application.catalog.services import CatalogServices
from application.ingest.handlers import register as ingest_handlers
from application.ingest.services import IngestServices
from application.marketplace.handlers import register as marketplace_handlers
from application.marketplace.services import MarketplaceServices
from application.notifications.handlers import register as notifications_handlers
from application.notifications.services import NotificationsServices
from application.shared.outbox import DEFAULT_LEASE
from entrypoints.bootstrap import catalog, ingest, marketplace, notifications
from entrypoints.bootstrap.platform import Platform, setting


@dataclass
class Container(Platform):
    """The platform plus one typed services object per context, under the context's name."""

    ingest: IngestServices = field(init=False)
    notifications: NotificationsServices = field(init=False)
    catalog: CatalogServices = field(init=False)
    marketplace: MarketplaceServices = field(init=False)


_container: Container | None = None
# How a committed outbox message reaches a worker: set by the entrypoints app at start-up
# (entrypoints/apps.py), so the composition root never imports the task modules that import it.
_dispatch: Callable[[str, str], None] | None = None


def dispatch_with(dispatch: Callable[[str, str], None]) -> None:
    global _dispatch
    _dispatch = dispatch
    reset_container()


def _build() -> Container:
    import importlib

    built = Container(
        dispatch=_dispatch,
        outbox_lease=timedelta(seconds=setting("OUTBOX_LEASE_SECONDS", DEFAULT_LEASE.total_seconds())),
    )
    built.ingest = ingest.build(built)
    ingest_handlers(built.subscriptions, built.ingest)
    built.notifications = notifications.build(built)
    notifications_handlers(built.subscriptions, built.notifications)
    built.catalog = catalog.build(built)
    # Payments is still wired the legacy way: its module provides the repositories and ports.
    legacy_payments = importlib.import_module("entrypoints.bootstrap.payments")
    built.marketplace = marketplace.build(built, catalog=built.catalog, payments=legacy_payments)
    marketplace_handlers(built.subscriptions, built.marketplace)
    for module_name in CONTEXT_MODULES:
        importlib.import_module(f"entrypoints.bootstrap.{module_name}").wire(built)
    return built


# One module per context, each with ``wire(container)``.
CONTEXT_MODULES: list[str] = [
    "identity",
    "payments",
    "distributors",
    "erp",
    "distributor_payments",
    "gateways",
    "earnings",
]


def container() -> Container:
    global _container
    if _container is None:
        _container = _build()
    return _container


def reset_container() -> None:
    """Tests call this after changing settings so the next container() rebuilds."""
    global _container
    _container = None


__all__ = ["Container", "Platform", "container", "dispatch_with", "reset_container", "setting"]
