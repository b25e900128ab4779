"""What the distributor use cases answer when a caller needs more than the aggregate: where it stands in SAP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from application.distributors.ports import ErpSyncStates
from domain.distributors.distributor import Distributor
from domain.erp.sync import SyncRecord
from domain.payments.payment import Payment


@dataclass(frozen=True, slots=True)
class DistributorView:
    """A distributor with where its business partner stands in SAP (None until first approved)."""

    distributor: Distributor
    sync: SyncRecord | None


def distributor_views(distributors: list[Distributor], *, erp: ErpSyncStates) -> list[DistributorView]:
    """One read of the sync records for the whole list."""
    syncs = erp.business_partners([d.id for d in distributors]) if distributors else {}
    return [DistributorView(d, syncs.get(d.id)) for d in distributors]


class PayingDistributor(NamedTuple):
    """For the payments context: who a distributor payment is recorded for."""

    id: str
    user_id: str | None  # the distributor's login: the buyer of its orders
    business_partner_id: str | None  # SAP's number once synced: the debtor of its journal entries


@dataclass(frozen=True, slots=True)
class DistributorPayment:
    """A distributor's payment with its SAP journal entry (None until the payment is captured)."""

    payment: Payment
    journal_entry: SyncRecord | None
