"""One provider = one plugin: the registry offers each by method and each role to the context that needs it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from application.gateways.ports import InboundCall, Verification
from application.gateways.providers import ProviderRegistry, ProviderRole
from application.payments.ports import RefundResult
from domain.gateways.inbound_event import InboundSource
from tests.unit.payments.fakes import ScriptedGateway


class CardOnly(ScriptedGateway):
    method = "card"
    roles: frozenset[ProviderRole] = frozenset()


class Hosted(ScriptedGateway):
    method = "cashfree"
    source = InboundSource.CASHFREE
    roles = frozenset({ProviderRole.REFUND_STATUS, ProviderRole.INBOUND})

    def fetch_refund_status(self, *, refund_id: str, payment_id: str, reference: str) -> RefundResult:
        return RefundResult(status="succeeded", reference=reference)

    def verify(self, call: InboundCall, *, now: datetime) -> Verification:
        return Verification(signature_valid=True)

    def interpret(self, event: Any, expected: Any) -> Any:
        raise AssertionError("not asked here")


def test_every_provider_is_a_payment_gateway_and_only_role_players_are_asked_for_their_roles():
    card, hosted = CardOnly(), Hosted()
    registry = ProviderRegistry([card, hosted])
    assert dict(registry) == {"card": card, "cashfree": hosted}
    assert registry.refund_sources() == {"cashfree": hosted}
    assert registry.interpreters() == {"cashfree": hosted}


def test_a_method_is_registered_once():
    registry = ProviderRegistry([CardOnly()])
    with pytest.raises(ValueError, match="already registered"):
        registry.add(CardOnly())
