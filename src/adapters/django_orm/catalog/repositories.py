"""Catalog and marketplace repositories: the only code touching the catalog tables.

Stock moves in single conditional UPDATE statements. Under READ COMMITTED a concurrent UPDATE of
the same row waits for the first to commit and then re-checks its WHERE, so
``available >= n`` is evaluated against the latest committed stock: 0 rows means out of stock.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from adapters.django_orm.catalog.models import (
    InvoiceRecord,
    ReservationRecord,
    ServiceRecord,
    VariantRecord,
)
from adapters.django_orm.shared.keyset import keyset_page
from adapters.django_orm.shared.rows import first_row, parse_uuid, row_by_id
from application.catalog.ports import CatalogEntry, CatalogFilter, ServiceFilter, VariantStock
from application.marketplace.ports import InvoiceDocument, InvoiceSummary
from application.shared.pagination import Page, PageRequest
from domain.catalog.invoice import Invoice
from domain.catalog.reservation import LatePayment, Reservation, ReservationStatus
from domain.catalog.service import MAX_STOCK, Offer, Service, Variant
from domain.shared.money import Money


def active_vendor(prefix: str = "vendor") -> Q:
    """A vendor that can sell: live account with the vendor role, activated by an admin."""
    return Q(
        **{
            f"{prefix}__role": "vendor",
            f"{prefix}__deleted_at__isnull": True,
            f"{prefix}__is_active": True,
            f"{prefix}__profile__is_active": True,
        }
    )


# --- services -------------------------------------------------------------------------------


def service_to_domain(row: ServiceRecord) -> Service:
    return Service(
        id=row.id,
        vendor_id=str(row.vendor_id),
        name=row.name,
        description=row.description,
        category=row.category,
        is_active=row.is_active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class DjangoServiceRepository:
    def add(self, service: Service) -> None:
        ServiceRecord.objects.create(
            id=service.id,
            vendor_id=service.vendor_id,
            name=service.name,
            description=service.description,
            category=service.category,
            is_active=service.is_active,
            created_at=service.created_at,
            updated_at=service.updated_at,
        )

    def get(self, service_id: str) -> Service | None:
        row = row_by_id(ServiceRecord.objects, service_id)
        return service_to_domain(row) if row else None

    def save(self, service: Service) -> None:
        ServiceRecord.objects.filter(pk=service.id).update(
            name=service.name,
            description=service.description,
            category=service.category,
            is_active=service.is_active,
            updated_at=service.updated_at,
        )

    def list(self, filters: ServiceFilter, page: PageRequest) -> Page[Service]:
        queryset: QuerySet[ServiceRecord] = ServiceRecord.objects.all()
        if filters.vendor_id is not None:
            vendor = parse_uuid(filters.vendor_id)
            queryset = queryset.filter(vendor_id=vendor) if vendor else queryset.none()
        if filters.is_active is not None:
            queryset = queryset.filter(is_active=filters.is_active)
        if filters.category:
            queryset = queryset.filter(category=filters.category)
        return keyset_page(queryset, page, service_to_domain)


# --- variants and stock ---------------------------------------------------------------------


def variant_to_domain(row: VariantRecord) -> Variant:
    return Variant(
        id=row.id,
        service_id=row.service_id,
        vendor_id=str(row.service.vendor_id),
        name=row.name,
        price=Money(row.price_minor, row.currency),
        available=row.available,
        is_active=row.is_active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class DjangoVariantRepository:
    def add(self, variant: Variant) -> None:
        VariantRecord.objects.create(
            id=variant.id,
            service_id=variant.service_id,
            name=variant.name,
            price_minor=variant.price.minor,
            currency=variant.price.currency,
            available=variant.available,
            is_active=variant.is_active,
            created_at=variant.created_at,
            updated_at=variant.updated_at,
        )

    def get(self, variant_id: str) -> Variant | None:
        row = row_by_id(VariantRecord.objects.select_related("service"), variant_id)
        return variant_to_domain(row) if row else None

    def save_details(self, variant: Variant) -> None:
        VariantRecord.objects.filter(pk=variant.id).update(
            name=variant.name,
            price_minor=variant.price.minor,
            currency=variant.price.currency,
            is_active=variant.is_active,
            updated_at=variant.updated_at,
        )

    def for_service(self, service_id: str) -> list[Variant]:
        key = parse_uuid(service_id)
        if key is None:
            return []
        rows = VariantRecord.objects.select_related("service").filter(service_id=key).order_by("created_at", "id")
        return [variant_to_domain(row) for row in rows]

    def with_stock(self, variant_ids: list[str]) -> list[VariantStock]:
        keys = [k for k in (parse_uuid(i) for i in variant_ids) if k is not None]
        if not keys:
            return []
        held: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
        totals = (
            ReservationRecord.objects.filter(variant_id__in=keys, status__in=["active", "consumed"])
            .values("variant_id", "status")
            .annotate(units=Sum("quantity"))
        )
        for total in totals:
            held[(total["variant_id"], total["status"])] = int(total["units"] or 0)
        rows = VariantRecord.objects.select_related("service").filter(pk__in=keys).order_by("created_at", "id")
        return [
            VariantStock(
                variant=variant_to_domain(row),
                reserved=held[(row.id, "active")],
                sold=held[(row.id, "consumed")],
            )
            for row in rows
        ]

    def offer(self, variant_id: str) -> Offer | None:
        key = parse_uuid(variant_id)
        if key is None:
            return None
        row = (
            VariantRecord.objects.select_related("service")
            .annotate(vendor_active=Exists(ServiceRecord.objects.filter(active_vendor(), pk=OuterRef("service_id"))))
            .filter(pk=key)
            .first()
        )
        if row is None:
            return None
        return Offer(
            variant=variant_to_domain(row),
            service_name=row.service.name,
            service_active=row.service.is_active,
            vendor_active=bool(row.vendor_active),  # type: ignore[attr-defined]
        )

    def reserve(self, variant_id: str, quantity: int, *, now: datetime) -> bool:
        key = parse_uuid(variant_id)
        if key is None or quantity <= 0:
            return False
        taken = VariantRecord.objects.filter(pk=key, is_active=True, available__gte=quantity).update(
            available=F("available") - quantity, updated_at=now
        )
        return taken == 1

    def release(self, variant_id: str, quantity: int, *, now: datetime) -> None:
        rows = VariantRecord.objects.filter(pk=parse_uuid(variant_id))
        rows.update(available=F("available") + quantity, updated_at=now)

    def adjust(self, variant_id: str, delta: int, *, now: datetime) -> bool:
        rows = VariantRecord.objects.filter(pk=parse_uuid(variant_id))
        rows = rows.filter(available__gte=-delta) if delta < 0 else rows.filter(available__lte=MAX_STOCK - delta)
        return rows.update(available=F("available") + delta, updated_at=now) == 1


# --- the public catalog ---------------------------------------------------------------------


class DjangoCatalogQuery:
    def _visible(self) -> QuerySet[ServiceRecord]:
        return ServiceRecord.objects.filter(active_vendor(), is_active=True).select_related("vendor__profile")

    def search(self, filters: CatalogFilter, page: PageRequest) -> Page[CatalogEntry]:
        queryset = self._visible()
        if filters.currency or filters.min_price is not None or filters.max_price is not None:
            # Price filters match services with an active variant in that currency and range.
            priced = VariantRecord.objects.filter(service_id=OuterRef("pk"), is_active=True)
            if filters.currency:
                priced = priced.filter(currency=filters.currency)
            if filters.min_price is not None:
                priced = priced.filter(currency=filters.min_price.currency, price_minor__gte=filters.min_price.minor)
            if filters.max_price is not None:
                priced = priced.filter(currency=filters.max_price.currency, price_minor__lte=filters.max_price.minor)
            queryset = queryset.filter(Exists(priced))
        if filters.search:
            term = filters.search
            queryset = queryset.filter(
                Q(name__icontains=term)
                | Q(description__icontains=term)
                | Q(category__icontains=term)
                | Q(vendor__profile__business_name__icontains=term)
            )
        if filters.vendor_id:
            vendor = parse_uuid(filters.vendor_id)
            queryset = queryset.filter(vendor_id=vendor) if vendor else queryset.none()
        if filters.category:
            queryset = queryset.filter(category=filters.category)
        rows = keyset_page(queryset, page, lambda row: row)
        variants = self._active_variants([row.id for row in rows.items])
        return Page(items=[self._entry(row, variants[row.id]) for row in rows.items], next_cursor=rows.next_cursor)

    def get(self, service_id: str) -> CatalogEntry | None:
        row = row_by_id(self._visible(), service_id)
        if row is None:
            return None
        return self._entry(row, self._active_variants([row.id])[row.id])

    def _active_variants(self, service_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Variant]]:
        found: dict[uuid.UUID, list[Variant]] = defaultdict(list)
        rows = (
            VariantRecord.objects.select_related("service")
            .filter(service_id__in=service_ids, is_active=True)
            .order_by("price_minor", "created_at")
        )
        for row in rows:
            found[row.service_id].append(variant_to_domain(row))
        return found

    @staticmethod
    def _entry(row: ServiceRecord, variants: list[Variant]) -> CatalogEntry:
        vendor = row.vendor
        profile = getattr(vendor, "profile", None)
        name = (profile.business_name if profile is not None else "") or vendor.name or "Vendor"
        return CatalogEntry(service=service_to_domain(row), vendor_name=name, variants=variants)


# --- reservations ---------------------------------------------------------------------------


def reservation_to_domain(row: ReservationRecord) -> Reservation:
    return Reservation(
        id=row.id,
        variant_id=row.variant_id,
        order_id=row.order_id,
        quantity=row.quantity,
        status=ReservationStatus(row.status),
        expires_at=row.expires_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        release_reason=row.release_reason,
        late_payment=LatePayment(row.late_payment),
    )


class DjangoReservationRepository:
    def add(self, reservation: Reservation) -> None:
        ReservationRecord.objects.create(
            id=reservation.id,
            variant_id=reservation.variant_id,
            order_id=reservation.order_id,
            quantity=reservation.quantity,
            status=reservation.status.value,
            release_reason=reservation.release_reason,
            late_payment=reservation.late_payment.value,
            expires_at=reservation.expires_at,
            created_at=reservation.created_at,
            updated_at=reservation.updated_at,
        )

    def for_order(self, order_id: str, *, lock: bool = False) -> Reservation | None:
        key = parse_uuid(order_id)
        if key is None:
            return None
        row = first_row(ReservationRecord.objects.filter(order_id=key), for_update=lock)
        return reservation_to_domain(row) if row else None

    def save(self, reservation: Reservation) -> None:
        ReservationRecord.objects.filter(pk=reservation.id).update(
            status=reservation.status.value,
            release_reason=reservation.release_reason,
            late_payment=reservation.late_payment.value,
            updated_at=reservation.updated_at,
        )

    def expired_order_ids(self, *, now: datetime, limit: int) -> list[str]:
        ids = (
            ReservationRecord.objects.filter(status="active", expires_at__lte=now)
            .order_by("expires_at")
            .values_list("order_id", flat=True)[:limit]
        )
        return [str(i) for i in ids]


# --- invoices -------------------------------------------------------------------------------


class DjangoInvoiceRepository:
    def summary(self, order_id: str) -> InvoiceSummary | None:
        key = parse_uuid(order_id)
        row = (
            InvoiceRecord.objects.filter(order_id=key).only("number", "issued_at", "total_minor", "currency").first()
            if key
            else None
        )
        if row is None:
            return None
        return InvoiceSummary(number=row.number, issued_at=row.issued_at, total=Money(row.total_minor, row.currency))

    def document(self, order_id: str) -> InvoiceDocument | None:
        key = parse_uuid(order_id)
        row = InvoiceRecord.objects.filter(order_id=key).only("number", "pdf").first() if key else None
        return InvoiceDocument(number=row.number, pdf=bytes(row.pdf)) if row else None

    def add(self, invoice: Invoice, *, pdf: bytes) -> None:
        InvoiceRecord.objects.create(
            order_id=parse_uuid(invoice.order_id),
            number=invoice.number,
            period=invoice.number.split("-")[1],
            seller_id=invoice.seller.id,
            buyer_id=invoice.buyer.id,
            currency=invoice.total.currency,
            subtotal_minor=invoice.subtotal.minor,
            tax_minor=invoice.tax.minor,
            total_minor=invoice.total.minor,
            tax_rate=str(invoice.tax_rate),
            data={
                "seller": _party(invoice.seller),
                "buyer": _party(invoice.buyer),
                "lines": [
                    {
                        "description": line.description,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price.to_decimal_string(),
                        "amount": line.amount.to_decimal_string(),
                    }
                    for line in invoice.lines
                ],
                "payment_reference": invoice.payment_reference,
            },
            pdf=pdf,
            issued_at=invoice.issued_at,
        )


def _party(party: object) -> dict[str, str]:
    return {key: str(getattr(party, key)) for key in ("id", "name", "email", "address")}
