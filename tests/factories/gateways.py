"""Inbound provider events (Cashfree webhooks, SSLCommerz IPNs) as stored on arrival."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.gateways.models import InboundEventRecord


class InboundEventFactory(DjangoModelFactory[InboundEventRecord]):
    class Meta:
        model = InboundEventRecord

    id = factory.LazyFunction(uuid.uuid4)
    source = "cashfree"
    event_type = "PAYMENT_SUCCESS_WEBHOOK"
    dedupe_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
    headers = factory.LazyFunction(dict)
    body = "{}"
    signature_valid = True
    status = "received"
    received_at = factory.LazyFunction(timezone.now)
    last_received_at = factory.SelfAttribute("received_at")
