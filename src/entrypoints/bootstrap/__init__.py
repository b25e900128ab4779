"""The composition root: the one package that picks adapters and wires use cases to them.

``container()`` is the ``Platform`` every context shares (clock, units of work, outbox, event log,
idempotency, subscriptions) plus one typed services object per context, built by that context's
module here (``bootstrap/payments.py``: ``build(platform, ...) -> PaymentsServices``), with the
context's subscriptions declared by ``application/<context>/handlers.py``. Routers, tasks, commands
and portal views call ``container().<context>.<use case>(...)``; nothing else imports adapters.
See docs/structure.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from application.catalog.services import CatalogServices
from application.distributors.handlers import register as distributors_handlers
from application.distributors.services import DistributorsServices
from application.earnings.handlers import register as earnings_handlers
from application.earnings.services import EarningsServices
from application.erp.handlers import register as erp_handlers
from application.erp.services import ErpServices
from application.gateways.handlers import register as gateways_handlers
from application.gateways.services import GatewaysServices
from application.identity.services import IdentityServices
from application.ingest.handlers import register as ingest_handlers
from application.ingest.services import IngestServices
from application.marketplace.handlers import register as marketplace_handlers
from application.marketplace.services import MarketplaceServices
from application.notifications.handlers import register as notifications_handlers
from application.notifications.services import NotificationsServices
from application.payments.handlers import register as payments_handlers
from application.payments.services import PaymentsServices
from application.shared.handlers import register as shared_handlers
from entrypoints.bootstrap import (
    catalog,
    distributors,
    earnings,
    erp,
    gateways,
    identity,
    ingest,
    marketplace,
    notifications,
    payments,
    providers,
)
from entrypoints.bootstrap.platform import Platform


@dataclass
class Container(Platform):
    """The platform plus one typed services object per context, under the context's name."""

    ingest: IngestServices = field(init=False)
    identity: IdentityServices = field(init=False)
    earnings: EarningsServices = field(init=False)
    payments: PaymentsServices = field(init=False)
    gateways: GatewaysServices = field(init=False)
    erp: ErpServices = field(init=False)
    distributors: DistributorsServices = field(init=False)
    notifications: NotificationsServices = field(init=False)
    catalog: CatalogServices = field(init=False)
    marketplace: MarketplaceServices = field(init=False)


_container: Container | None = None
# How committed outbox messages reach a worker (once per commit, with all of them): set by the
# entrypoints app at start-up (entrypoints/apps.py), so the composition root never imports the task
# modules that import it.
_dispatch: Callable[[Sequence[tuple[str, str]]], None] | None = None


def dispatch_with(dispatch: Callable[[Sequence[tuple[str, str]]], None]) -> None:
    global _dispatch
    _dispatch = dispatch
    reset_container()


def _build() -> Container:
    built = Container(dispatch=_dispatch)
    shared_handlers(built.subscriptions, built, built.uow)
    built.ingest = ingest.build(built)
    ingest_handlers(built.subscriptions, built.ingest)
    built.identity = identity.build(built)
    # One registry of providers: payments takes money through it, gateways reads their inbound events.
    registry = providers.build()
    built.payments = payments.build(built, gateways=registry)
    payments_handlers(built.subscriptions, built.payments)
    built.gateways = gateways.build(built, providers=registry, payments=built.payments)
    gateways_handlers(built.subscriptions, built.gateways)
    built.earnings = earnings.build(built)
    earnings_handlers(built.subscriptions, built.earnings)
    built.erp = erp.build(built)
    erp_handlers(built.subscriptions, built.erp)
    built.distributors = distributors.build(built, erp=built.erp, payments=built.payments)
    distributors_handlers(built.subscriptions, built.distributors)
    built.notifications = notifications.build(built)
    notifications_handlers(built.subscriptions, built.notifications)
    built.catalog = catalog.build(built)
    built.marketplace = marketplace.build(built, catalog=built.catalog, payments=built.payments)
    marketplace_handlers(built.subscriptions, built.marketplace)
    return built


def container() -> Container:
    global _container
    if _container is None:
        _container = _build()
    return _container


def reset_container() -> None:
    """Tests call this after changing settings so the next container() rebuilds."""
    global _container
    _container = None


__all__ = ["Container", "Platform", "container", "dispatch_with", "reset_container"]
