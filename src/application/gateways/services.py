"""The gateways context's use cases bound to their adapters: inbound provider events and refund polling.

The composition root builds one ``GatewaysServices`` with the Django event store, the provider
registry and the payments effects bridge; tests build it with fakes. Each method keeps its use
case's name and takes only what the caller knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from application.gateways import use_cases
from application.gateways.ports import (
    GatewaysUnitOfWork,
    GatewayUnavailable,
    InboundEventFilter,
    InboundEventRepository,
    PaymentEffects,
)
from application.gateways.providers import ProviderRegistry
from application.shared.pagination import Page, PageRequest
from domain.gateways.inbound_event import InboundEvent
from domain.shared.clock import Clock


@dataclass(slots=True)
class GatewaysServices:
    uow: Callable[[], GatewaysUnitOfWork]
    inbound_events: InboundEventRepository
    providers: ProviderRegistry
    # What inbound events do to payments (the payments context, through a bridge).
    effects: PaymentEffects
    clock: Clock

    def inbound_source_offered(self, *, source: str) -> bool:
        """Whether this deployment takes ``source``'s webhooks or IPNs (its provider is registered)."""
        return source in self.providers.interpreters()

    def inbound_event_receive(self, *, source: str, body: bytes, headers: Mapping[str, str]) -> use_cases.Received:
        return use_cases.inbound_event_receive(
            uow=self.uow(),
            interpreter=self.providers.interpreters()[source],
            effects=self.effects,
            command=use_cases.ReceiveInbound(source=source, body=body, headers=headers),
            clock=self.clock,
        )

    def inbound_event_process(self, *, event_id: str, last_attempt: bool = False) -> InboundEvent | None:
        """Acts on a stored event now. Raises GatewayUnavailable when the provider could not be asked;
        the event's outbox job retries it either way."""
        return use_cases.inbound_event_process(
            uow=self.uow(),
            event_id=event_id,
            interpreters=self.providers.interpreters(),
            effects=self.effects,
            clock=self.clock,
            last_attempt=last_attempt,
        )

    def inbound_event_replay(self, *, event_id: str) -> InboundEvent:
        """Queues the event again, then acts on it at once so the admin sees the outcome; a provider that
        cannot be asked now leaves it to the queued job."""
        event = use_cases.inbound_event_replay(uow=self.uow(), event_id=event_id, clock=self.clock)
        try:
            return self.inbound_event_process(event_id=event_id) or event
        except GatewayUnavailable:
            return self.inbound_event_get(event_id=event_id)

    def inbound_event_get(self, *, event_id: str) -> InboundEvent:
        return use_cases.inbound_event_get(events=self.inbound_events, event_id=event_id)

    def inbound_events_list(self, *, filters: InboundEventFilter, page: PageRequest) -> Page[InboundEvent]:
        return use_cases.inbound_events_list(events=self.inbound_events, filters=filters, page=page)

    def gateway_refunds_reconcile(self, *, limit: int = 100) -> dict[str, int]:
        return use_cases.gateway_refunds_reconcile(
            sources=self.providers.refund_sources(), effects=self.effects, limit=limit
        )
