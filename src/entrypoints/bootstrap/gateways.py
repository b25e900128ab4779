"""Gateways wiring: the inbound event store, the provider registry, and payments as the events' effects."""

from __future__ import annotations

from adapters.bridges.payment_effects import PaymentServicesEffects
from adapters.django_orm.gateways.repository import DjangoInboundEventRepository
from application.gateways.providers import ProviderRegistry
from application.gateways.services import GatewaysServices
from application.payments.services import PaymentsServices
from entrypoints.bootstrap.platform import Platform


def build(built: Platform, *, providers: ProviderRegistry, payments: PaymentsServices) -> GatewaysServices:
    inbound_events = DjangoInboundEventRepository()
    return GatewaysServices(
        uow=built.uow_factory(inbound_events=inbound_events),
        inbound_events=inbound_events,
        providers=providers,
        effects=PaymentServicesEffects(payments),
        clock=built.clock,
    )
