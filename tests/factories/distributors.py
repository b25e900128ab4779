"""Distributors (valid GSTIN/PAN each time), their status history, and ERP sync records."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.distributors.models import Distributor, DistributorStatusChange
from adapters.django_orm.erp.models import ErpSyncRecord
from tests.distributor_data import make_gstin, make_pan


class DistributorFactory(DjangoModelFactory[Distributor]):
    class Meta:
        model = Distributor

    id = factory.LazyFunction(uuid.uuid4)
    legal_name = "Acme Distribution Private Limited"
    trade_name = "Acme"
    pan = factory.LazyFunction(make_pan)
    gstin = factory.LazyAttribute(lambda d: make_gstin(d.pan))
    bank_account_number = "001234567890"
    ifsc = "HDFC0001234"
    address_line1 = "12 MG Road"
    address_line2 = "Camp"
    address_city = "Pune"
    address_state = "Maharashtra"
    address_postal_code = "411001"
    address_country = "IN"
    contact_person = "Asha Rao"
    email = "accounts@acme.example"
    phone = "+91 98123 45678"
    status = "pending"
    metadata = factory.LazyFunction(lambda: {"region": "west"})
    user = None
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class StatusChangeFactory(DjangoModelFactory[DistributorStatusChange]):
    class Meta:
        model = DistributorStatusChange

    distributor = factory.SubFactory(DistributorFactory)
    from_status = ""
    to_status = "pending"
    changed_by = None
    reason = ""
    changed_at = factory.LazyFunction(timezone.now)


class ErpSyncRecordFactory(DjangoModelFactory[ErpSyncRecord]):
    class Meta:
        model = ErpSyncRecord

    id = factory.LazyFunction(uuid.uuid4)
    kind = "business_partner"
    object_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    status = "pending"
    attempts = 0
    payload = factory.LazyFunction(dict)
    livemode = True
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")
