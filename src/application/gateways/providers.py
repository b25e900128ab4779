"""Payment providers as plugins (Saleor's shape): one class per provider, one registry by method name.

Every provider plays the payment gateway role (``PaymentGateway``: start, capture, cancel, refund,
fetch status). It may also play the roles this context asks of providers, and says which in
``roles``: answering where a refund stands (``RefundStatusSource``) and reading its own webhooks or
IPNs (``InboundInterpreter``: the signature check, and what an event means in our words).

The payments context sees the registry as the one thing it needs, a ``Mapping[str, PaymentGateway]``
by method, so it never depends on this context; this context asks the registry for the providers
that play its roles. The registry lives here, not in payments, because these roles' ports are this
context's and this context already depends on payments (the other way round would be a cycle).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Protocol, TypeGuard

from application.gateways.ports import InboundInterpreter, RefundStatusSource
from application.payments.ports import PaymentGateway


class ProviderRole(StrEnum):
    """A role beyond taking payments, which every provider does."""

    REFUND_STATUS = "refund_status"
    INBOUND = "inbound"


class Provider(PaymentGateway, Protocol):
    @property
    def method(self) -> str:
        """The payment method it serves (a ``PaymentMethod`` value)."""
        ...

    @property
    def roles(self) -> frozenset[ProviderRole]: ...


class RefundStatusProvider(Provider, RefundStatusSource, Protocol):
    pass


class InboundProvider(Provider, InboundInterpreter, Protocol):
    pass


def plays_refund_status(provider: Provider) -> TypeGuard[RefundStatusProvider]:
    return ProviderRole.REFUND_STATUS in provider.roles


def plays_inbound(provider: Provider) -> TypeGuard[InboundProvider]:
    return ProviderRole.INBOUND in provider.roles


class ProviderRegistry(Mapping[str, PaymentGateway]):
    """The providers this deployment offers, by method. Built once per container by the composition root."""

    def __init__(self, providers: Iterable[Provider] = ()) -> None:
        self._providers: dict[str, Provider] = {}
        for provider in providers:
            self.add(provider)

    def add(self, provider: Provider) -> None:
        if provider.method in self._providers:
            raise ValueError(f"Provider {provider.method!r} is already registered")
        self._providers[provider.method] = provider

    def __getitem__(self, method: str) -> PaymentGateway:
        return self._providers[method]

    def __iter__(self) -> Iterator[str]:
        return iter(self._providers)

    def __len__(self) -> int:
        return len(self._providers)

    def refund_sources(self) -> dict[str, RefundStatusSource]:
        return {method: p for method, p in self._providers.items() if plays_refund_status(p)}

    def interpreters(self) -> dict[str, InboundInterpreter]:
        """By inbound source (``InboundSource`` value), as stored events name it."""
        return {p.source.value: p for p in self._providers.values() if plays_inbound(p)}
