"""What the distributor use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from application.shared.errors import Conflict
from application.shared.pagination import Page, PageRequest
from application.shared.ports import Outbox, UnitOfWork
from domain.distributors.distributor import Distributor, DistributorStatus, StatusChange
from domain.identity.user import Role


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


class DistributorsUnitOfWork(UnitOfWork, Protocol):
    distributors: DistributorRepository
    history: StatusHistory
