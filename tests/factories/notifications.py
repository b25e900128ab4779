"""Webhook endpoints (signing secret encrypted at rest by the model field) and their deliveries."""

from __future__ import annotations

import json
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.notifications.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointFactory(DjangoModelFactory[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint

    id = factory.LazyFunction(uuid.uuid4)
    owner_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    url = "https://hooks.example.com/partnerpay"
    events = factory.LazyFunction(lambda: ["*"])
    secret = factory.LazyFunction(lambda: f"whsec_{uuid.uuid4().hex}")
    enabled = True
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class WebhookDeliveryFactory(DjangoModelFactory[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery

    id = factory.LazyFunction(uuid.uuid4)
    endpoint = factory.SubFactory(WebhookEndpointFactory)
    owner_id = factory.SelfAttribute("endpoint.owner_id")
    event_id = factory.LazyFunction(lambda: f"evt_{uuid.uuid4().hex}")
    event_type = "payment.captured"
    body = factory.LazyAttribute(lambda d: json.dumps({"id": d.event_id, "type": d.event_type, "data": {}}))
    status = "pending"
    created_at = factory.LazyFunction(timezone.now)
