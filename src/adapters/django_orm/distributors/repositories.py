"""Distributor and history repositories: the only code that touches these tables."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q

from adapters.django_orm.distributors.models import Distributor as DistributorRow
from adapters.django_orm.distributors.models import DistributorStatusChange
from adapters.django_orm.shared.keyset import keyset_page, uuid_cursor_id
from adapters.django_orm.shared.rows import parse_uuid, row_by_id
from application.distributors.ports import DistributorExists, DistributorFilter
from application.shared.pagination import Page, PageRequest
from domain.distributors.distributor import Address, Distributor, DistributorDetails, DistributorStatus, StatusChange

# ---------------------------------------------------------------------------------------------
# Distributors
# ---------------------------------------------------------------------------------------------


def distributor_to_domain(row: DistributorRow) -> Distributor:
    return Distributor(
        id=str(row.id),
        details=DistributorDetails(
            legal_name=row.legal_name,
            trade_name=row.trade_name,
            gstin=row.gstin,
            pan=row.pan,
            bank_account_number=row.bank_account_number,
            ifsc=row.ifsc,
            billing_address=Address(
                line1=row.address_line1,
                line2=row.address_line2,
                city=row.address_city,
                state=row.address_state,
                postal_code=row.address_postal_code,
                country=row.address_country,
            ),
            contact_person=row.contact_person,
            email=row.email,
            phone=row.phone,
            metadata=dict(row.metadata or {}),
        ),
        status=DistributorStatus(row.status),
        user_id=str(row.user_id) if row.user_id else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _fields(distributor: Distributor) -> dict[str, object]:
    d = distributor.details
    a = d.billing_address
    return {
        "legal_name": d.legal_name,
        "trade_name": d.trade_name,
        "gstin": d.gstin,
        "pan": d.pan,
        "bank_account_number": d.bank_account_number,
        "ifsc": d.ifsc,
        "address_line1": a.line1,
        "address_line2": a.line2,
        "address_city": a.city,
        "address_state": a.state,
        "address_postal_code": a.postal_code,
        "address_country": a.country,
        "contact_person": d.contact_person,
        "email": d.email,
        "phone": d.phone,
        "metadata": d.metadata,
        "status": distributor.status.value,
        "updated_at": distributor.updated_at,
    }


class DjangoDistributorRepository:
    def add(self, distributor: Distributor) -> None:
        row = DistributorRow(
            id=distributor.id, user_id=distributor.user_id, created_at=distributor.created_at, **_fields(distributor)
        )
        self._write(distributor, lambda: row.save(force_insert=True))

    def get(self, distributor_id: str) -> Distributor | None:
        row = row_by_id(DistributorRow.objects, distributor_id)
        return distributor_to_domain(row) if row is not None else None

    def get_for_update(self, distributor_id: str) -> Distributor | None:
        row = row_by_id(DistributorRow.objects, distributor_id, for_update=True)
        return distributor_to_domain(row) if row is not None else None

    def find_by_user(self, user_id: str) -> Distributor | None:
        key = parse_uuid(user_id)
        row = DistributorRow.objects.filter(user_id=key).first() if key is not None else None
        return distributor_to_domain(row) if row is not None else None

    def save(self, distributor: Distributor) -> None:
        self._write(
            distributor, lambda: DistributorRow.objects.filter(pk=distributor.id).update(**_fields(distributor))
        )

    def list(self, filters: DistributorFilter, page: PageRequest) -> Page[Distributor]:
        rows = DistributorRow.objects.all()
        if filters.status is not None:
            rows = rows.filter(status=filters.status.value)
        if filters.user_id is not None:
            rows = rows.filter(user_id=filters.user_id)
        if filters.text:
            text = filters.text.strip()
            rows = rows.filter(
                Q(legal_name__icontains=text)
                | Q(trade_name__icontains=text)
                | Q(gstin__icontains=text)
                | Q(email__icontains=text)
            )
        return keyset_page(rows, page, distributor_to_domain, cursor_id=uuid_cursor_id)

    def _write(self, distributor: Distributor, write: Callable[[], object]) -> None:
        # A savepoint, so a unique violation leaves the surrounding transaction usable (PostgreSQL).
        try:
            with transaction.atomic():
                write()
        except IntegrityError:
            raise self._which_exists(distributor) from None

    def _which_exists(self, distributor: Distributor) -> DistributorExists:
        others = DistributorRow.objects.exclude(pk=distributor.id)
        if others.filter(gstin=distributor.gstin).exists():
            return DistributorExists("A distributor with this GSTIN already exists", field="gstin")
        if others.filter(pan=distributor.pan).exists():
            return DistributorExists("A distributor with this PAN already exists", field="pan")
        if distributor.user_id and others.filter(user_id=distributor.user_id).exists():
            return DistributorExists("This user already has a distributor record", field="user_id")
        return DistributorExists("This distributor already exists")


class DjangoStatusHistory:
    def add(self, change: StatusChange) -> None:
        DistributorStatusChange.objects.create(
            distributor_id=change.distributor_id,
            from_status=change.from_status.value if change.from_status else "",
            to_status=change.to_status.value,
            changed_by=change.changed_by,
            reason=change.reason,
            changed_at=change.changed_at,
        )

    def for_distributor(self, distributor_id: str) -> list[StatusChange]:
        rows = DistributorStatusChange.objects.filter(distributor_id=distributor_id).order_by("changed_at", "id")
        return [
            StatusChange(
                distributor_id=str(row.distributor_id),
                from_status=DistributorStatus(row.from_status) if row.from_status else None,
                to_status=DistributorStatus(row.to_status),
                changed_by=str(row.changed_by) if row.changed_by else None,
                reason=row.reason,
                changed_at=row.changed_at,
            )
            for row in rows
        ]
