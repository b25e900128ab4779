"""Resellers and what hangs off them: referrals, commissions, invoices, payouts, leads, activity, tiers."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.earnings.models import (
    ActivityRecord,
    AttributionRecord,
    CommissionRecord,
    InvoiceRecord,
    LeadRecord,
    PayoutRecord,
    ResellerRecord,
    TierRecord,
)


class ResellerFactory(DjangoModelFactory[ResellerRecord]):
    class Meta:
        model = ResellerRecord

    id = factory.LazyFunction(uuid.uuid4)
    user_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    referral_code = factory.LazyFunction(lambda: uuid.uuid4().hex[:8].upper())
    status = "approved"
    business_name = factory.Sequence(lambda n: f"Referrals {n}")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class TierFactory(DjangoModelFactory[TierRecord]):
    class Meta:
        model = TierRecord

    name = factory.Sequence(lambda n: f"tier{n}")
    min_sales_minor = factory.Sequence(lambda n: 10**12 + n)  # above any seeded threshold
    rate_bps = 1000
    bonus_bps = 0


class AttributionFactory(DjangoModelFactory[AttributionRecord]):
    class Meta:
        model = AttributionRecord

    id = factory.LazyFunction(uuid.uuid4)
    reseller = factory.SubFactory(ResellerFactory)
    account_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    role = "merchant"
    referral_code = factory.SelfAttribute("reseller.referral_code")
    created_at = factory.LazyFunction(timezone.now)


class CommissionFactory(DjangoModelFactory[CommissionRecord]):
    """A pending 10 % commission on a 1,000.00 sale."""

    class Meta:
        model = CommissionRecord

    id = factory.LazyFunction(uuid.uuid4)
    reseller = factory.SubFactory(ResellerFactory)
    kind = "commission"
    status = "pending"
    currency = "INR"
    payment_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    sale_minor = 100000
    tier = "bronze"
    rate_bps = 1000
    base_minor = 10000
    original_minor = 10000
    amount_minor = 10000
    refunds = factory.LazyFunction(dict)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class EarningsInvoiceFactory(DjangoModelFactory[InvoiceRecord]):
    class Meta:
        model = InvoiceRecord

    id = factory.LazyFunction(uuid.uuid4)
    number = factory.Sequence(lambda n: f"INV-202601-{n + 1:04d}")
    reseller = factory.SubFactory(ResellerFactory)
    period = "2026-01"
    currency = "INR"
    total_minor = 10000
    status = "issued"
    issued_at = factory.LazyFunction(timezone.now)


class PayoutFactory(DjangoModelFactory[PayoutRecord]):
    class Meta:
        model = PayoutRecord

    id = factory.LazyFunction(uuid.uuid4)
    reseller = factory.SubFactory(ResellerFactory)
    amount_minor = 5000
    currency = "INR"
    method = "upi"
    destination = "reseller@upi"
    status = "requested"
    livemode = True
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class LeadFactory(DjangoModelFactory[LeadRecord]):
    class Meta:
        model = LeadRecord

    id = factory.LazyFunction(uuid.uuid4)
    reseller = factory.SubFactory(ResellerFactory)
    name = factory.Sequence(lambda n: f"Lead {n}")
    status = "new"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class ActivityFactory(DjangoModelFactory[ActivityRecord]):
    class Meta:
        model = ActivityRecord

    id = factory.LazyFunction(uuid.uuid4)
    reseller = factory.SubFactory(ResellerFactory)
    action = "commission.approved"
    subject_type = "commission"
    subject_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    data = factory.LazyFunction(dict)
    created_at = factory.LazyFunction(timezone.now)
