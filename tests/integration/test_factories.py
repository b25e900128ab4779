"""Every factory's default row is one its context's repository reads back as a valid aggregate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.django_orm.catalog.repositories import DjangoServiceRepository, DjangoVariantRepository
from adapters.django_orm.catalog.vendors import DjangoVendorAccounts
from adapters.django_orm.distributors.repositories import DjangoDistributorRepository
from adapters.django_orm.earnings.repositories import (
    DjangoCommissionRepository,
    DjangoInvoiceRepository,
    DjangoLeadRepository,
    DjangoPayoutRepository,
    DjangoResellerRepository,
)
from adapters.django_orm.erp.repositories import DjangoSyncRecordRepository
from adapters.django_orm.gateways.repository import DjangoInboundEventRepository
from adapters.django_orm.identity.repositories import DjangoApiKeyRepository, DjangoUserRepository
from adapters.django_orm.ingest.repository import DjangoTransactionRepository
from adapters.django_orm.notifications.repositories import DjangoDeliveryRepository, DjangoEndpointRepository
from adapters.django_orm.payments.repositories import (
    DjangoOrderRepository,
    DjangoPaymentRepository,
    DjangoRefundRepository,
)
from domain.erp.sync import SyncKind
from tests.factories import catalog, distributors, earnings, gateways, identity, ingest, notifications, payments

pytestmark = pytest.mark.django_db

CASES: list[tuple[Any, Callable[[Any], Any]]] = [
    (identity.UserFactory, lambda row: DjangoUserRepository().get(str(row.id))),
    (identity.VendorFactory, lambda row: DjangoVendorAccounts().get(str(row.id))),
    (identity.ApiKeyFactory, lambda row: DjangoApiKeyRepository().list_for_user(str(row.user_id))[0]),
    (payments.OrderFactory, lambda row: DjangoOrderRepository().get(str(row.id))),
    (payments.PaymentFactory, lambda row: DjangoPaymentRepository().get(str(row.id))),
    (payments.RefundFactory, lambda row: DjangoRefundRepository().get(str(row.id))),
    (catalog.ServiceFactory, lambda row: DjangoServiceRepository().get(str(row.id))),
    (catalog.VariantFactory, lambda row: DjangoVariantRepository().get(str(row.id))),
    (distributors.DistributorFactory, lambda row: DjangoDistributorRepository().get(str(row.id))),
    (
        distributors.ErpSyncRecordFactory,
        lambda row: DjangoSyncRecordRepository().get(SyncKind(row.kind), row.object_id),
    ),
    (earnings.ResellerFactory, lambda row: DjangoResellerRepository().get(str(row.id))),
    (earnings.CommissionFactory, lambda row: DjangoCommissionRepository().get(str(row.id))),
    (earnings.EarningsInvoiceFactory, lambda row: DjangoInvoiceRepository().get(str(row.id))),
    (earnings.PayoutFactory, lambda row: DjangoPayoutRepository().get(str(row.id))),
    (earnings.LeadFactory, lambda row: DjangoLeadRepository().get(str(row.id))),
    (notifications.WebhookEndpointFactory, lambda row: DjangoEndpointRepository().get(str(row.id))),
    (notifications.WebhookDeliveryFactory, lambda row: DjangoDeliveryRepository().get(str(row.id))),
    (ingest.IngestedTransactionFactory, lambda row: DjangoTransactionRepository().get(row.transaction_id)),
    (gateways.InboundEventFactory, lambda row: DjangoInboundEventRepository().get(str(row.id))),
]


@pytest.mark.parametrize(("factory", "read"), CASES, ids=[case[0].__name__ for case in CASES])
def test_a_default_row_reads_back_as_an_aggregate(factory, read):
    rows = factory.create_batch(2)  # twice: sequences and unique columns do not collide
    found = read(rows[1])
    assert found is not None
    # The aggregate is the row's: named by the same key (a natural key where the aggregate has no id).
    key = next(name for name in ("transaction_id", "object_id", "id") if hasattr(found, name))
    assert str(getattr(found, key)) == str(getattr(rows[1], key))
