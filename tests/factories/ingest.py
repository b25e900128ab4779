"""Ingested transactions, as the webhook stores them before processing."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.ingest.models import IngestedTransaction


class IngestedTransactionFactory(DjangoModelFactory[IngestedTransaction]):
    class Meta:
        model = IngestedTransaction

    transaction_id = factory.Sequence(lambda n: f"txn_{n}")
    source_account = "acc_user_789"
    destination_account = "acc_merchant_456"
    amount_minor = 150000
    currency = "INR"
    status = "PROCESSING"
    attempts = 0
    created_at = factory.LazyFunction(timezone.now)
