"""What the distributor use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from application.payments.orders import CreateOrder
from application.payments.payments import CreatePayment
from application.payments.ports import PaymentFilter
from application.shared.errors import Conflict
from application.shared.events import StoredEvent
from application.shared.pagination import Page, PageRequest
from application.shared.ports import Outbox, UnitOfWork
from domain.distributors.distributor import Distributor, DistributorStatus, StatusChange
from domain.erp.sync import SyncRecord
from domain.identity.user import Principal, Role
from domain.payments.order import Order
from domain.payments.payment import Payment
from domain.shared.money import Money


class DistributorExists(Conflict):
    """GSTIN, PAN or login already belongs to a distributor (also raised from a unique-index violation)."""

    code = "distributor_exists"


@dataclass(frozen=True, slots=True)
class DistributorFilter:
    status: DistributorStatus | None = None
    # Case-insensitive substring of legal or trade name, GSTIN or email.
    text: str | None = None
    user_id: str | None = None


class DistributorRepository(Protocol):
    def add(self, distributor: Distributor) -> None:
        """Insert; raises DistributorExists when the GSTIN, PAN or user is taken (checked by unique indexes)."""
        ...

    def get(self, distributor_id: str) -> Distributor | None: ...

    def get_for_update(self, distributor_id: str) -> Distributor | None:
        """Read and lock the row until the unit of work ends (concurrent approvals queue up)."""
        ...

    def find_by_user(self, user_id: str) -> Distributor | None: ...

    def save(self, distributor: Distributor) -> None:
        """Update details and status; raises DistributorExists on a unique-index violation."""
        ...

    def list(self, filters: DistributorFilter, page: PageRequest) -> Page[Distributor]:
        """Newest first, keyset-paginated over (created_at, id)."""
        ...


class StatusHistory(Protocol):
    def add(self, change: StatusChange) -> None: ...

    def for_distributor(self, distributor_id: str) -> list[StatusChange]:
        """Oldest first."""
        ...


class UserDirectory(Protocol):
    def role_of(self, user_id: str) -> Role | None:
        """The role of a live (not deleted) user, or None."""
        ...


class ErpSyncRequests(Protocol):
    """The ERP context's inbox: asked inside our unit of work, so the request commits with the change."""

    def business_partner_sync_requested(self, *, distributor_id: str, outbox: Outbox) -> None: ...

    def journal_entry_requested(
        self, *, outbox: Outbox, payment_id: str, distributor_id: str, amount: Money, posted_on: date
    ) -> None:
        """A captured distributor payment's journal entry; asking twice for one payment is one entry."""
        ...

    def journal_reversal_requested(
        self, *, outbox: Outbox, refund_id: str, payment_id: str, distributor_id: str, amount: Money, posted_on: date
    ) -> None:
        """A succeeded refund's reversal of that payment's entry; once per refund."""
        ...


class ErpSyncStates(Protocol):
    """Where our objects stand in SAP, as the ERP context records it."""

    def business_partners(self, distributor_ids: list[str]) -> dict[str, SyncRecord]:
        """Business partner sync records by distributor id (absent until first approved)."""
        ...

    def business_partner_id(self, distributor_id: str) -> str | None:
        """SAP's BusinessPartner number, once synced."""
        ...

    def journal_entries(self, payment_ids: list[str]) -> dict[str, SyncRecord]:
        """Journal entry sync records by payment id (absent until the payment is captured)."""
        ...


class DistributorsUnitOfWork(UnitOfWork, Protocol):
    distributors: DistributorRepository
    history: StatusHistory


class Payments(Protocol):
    """The payments context, as a distributor payment uses it: an order owed to the company, then its payment."""

    def payment_method_check(self, *, method: str, bank_reference: str | None) -> None:
        """Raises when the method cannot take this payment, before anything is created."""
        ...

    def order_create(self, *, seller_id: str, command: CreateOrder) -> Order: ...

    def payment_create(self, *, principal: Principal, command: CreatePayment) -> Payment:
        """Calls the provider outside any transaction; raises an application or domain error when refused."""
        ...

    def order_cancel(self, *, principal: Principal, order_id: str) -> Order: ...

    def payments_list(self, *, principal: Principal, filters: PaymentFilter, page: PageRequest) -> Page[Payment]: ...


class StoredEvents(Protocol):
    """The event log: what a subscriber's outbox message (``{"event_id"}``) is about."""

    def get(self, event_id: str) -> StoredEvent | None: ...
