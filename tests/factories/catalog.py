"""Marketplace catalog rows: services of a vendor, their variants with stock, reservations and invoices."""

from __future__ import annotations

import uuid
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.catalog.models import InvoiceRecord, ReservationRecord, ServiceRecord, VariantRecord
from tests.factories.identity import VendorFactory


class ServiceFactory(DjangoModelFactory[ServiceRecord]):
    class Meta:
        model = ServiceRecord

    id = factory.LazyFunction(uuid.uuid4)
    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A service"
    category = "design"
    is_active = True
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class VariantFactory(DjangoModelFactory[VariantRecord]):
    class Meta:
        model = VariantRecord

    id = factory.LazyFunction(uuid.uuid4)
    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")
    price_minor = 49900
    currency = "INR"
    available = 10
    is_active = True
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class ReservationFactory(DjangoModelFactory[ReservationRecord]):
    class Meta:
        model = ReservationRecord

    id = factory.LazyFunction(uuid.uuid4)
    variant = factory.SubFactory(VariantFactory)
    order_id = factory.LazyFunction(uuid.uuid4)
    quantity = 1
    status = "active"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=15))
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class CatalogInvoiceFactory(DjangoModelFactory[InvoiceRecord]):
    class Meta:
        model = InvoiceRecord

    id = factory.LazyFunction(uuid.uuid4)
    order_id = factory.LazyFunction(uuid.uuid4)
    number = factory.Sequence(lambda n: f"MKT-202601-{n + 1:05d}")
    period = "202601"
    seller_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    currency = "INR"
    subtotal_minor = 49900
    total_minor = 49900
    pdf = b"%PDF-1.4 test"
    issued_at = factory.LazyFunction(timezone.now)
