"""The marketplace repositories (stock reservations, invoices) on the real database, through their ports."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.catalog.models import InvoiceRecord
from adapters.django_orm.catalog.repositories import DjangoInvoiceRepository, DjangoReservationRepository
from application.marketplace.ports import InvoiceDocument, InvoiceRepository, InvoiceSummary, ReservationRepository
from domain.catalog.invoice import Invoice, InvoiceLine, Party
from domain.catalog.reservation import LatePayment, Reservation, ReservationStatus
from domain.shared.money import Money
from tests.factories.catalog import CatalogInvoiceFactory, ReservationFactory, VariantFactory
from tests.integration.repository_checks import NOW, assert_locks_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def reservations() -> ReservationRepository:
    return DjangoReservationRepository()


@pytest.fixture
def invoices() -> InvoiceRepository:
    return DjangoInvoiceRepository()


def _reservation(**overrides: object) -> Reservation:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "variant_id": VariantFactory().id,
        "order_id": uuid.uuid4(),
        "quantity": 3,
        "status": ReservationStatus.RELEASED,
        "expires_at": NOW + timedelta(minutes=15),
        "created_at": NOW,
        "updated_at": NOW + timedelta(minutes=16),
        "release_reason": "expired",
        "late_payment": LatePayment.RE_RESERVED,
    }
    fields.update(overrides)
    return Reservation(**fields)  # type: ignore[arg-type]


def _invoice(order_id: str, number: str = "MKT-202601-00001") -> Invoice:
    lines = [
        InvoiceLine(
            description="Laptop repair — Express",
            quantity=2,
            unit_price=Money(50000, "INR"),
            amount=Money(100000, "INR"),
        )
    ]
    return Invoice(
        order_id=order_id,
        number=number,
        issued_at=NOW,
        seller=Party(id="vendor-1", name="Asha Repairs", email="asha@example.com", address="Pune"),
        buyer=Party(id="buyer-1", name="Kiran", email="kiran@example.com"),
        lines=lines,
        subtotal=Money(100000, "INR"),
        tax_rate=Decimal("0.18"),
        tax=Money(18000, "INR"),
        total=Money(118000, "INR"),
        payment_reference="pay_123",
    )


# --- reservations -------------------------------------------------------------------------------


def test_a_reservation_round_trips_every_field(reservations):
    reservation = _reservation()
    reservations.add(reservation)
    assert reservations.for_order(str(reservation.order_id)) == reservation
    with transaction.atomic():
        assert reservations.for_order(str(reservation.order_id), lock=True) == reservation


def test_saving_writes_the_state_only(reservations):
    reservation = _reservation(status=ReservationStatus.ACTIVE, release_reason="", late_payment=LatePayment.NONE)
    reservations.add(reservation)
    consumed = replace(
        reservation,
        status=ReservationStatus.CONSUMED,
        release_reason="",
        late_payment=LatePayment.REFUNDED,
        updated_at=NOW + timedelta(minutes=1),
    )
    reservations.save(replace(consumed, quantity=99))
    assert reservations.for_order(str(reservation.order_id)) == consumed


def test_one_reservation_per_order(reservations):
    first = _reservation()
    reservations.add(first)
    with pytest.raises(IntegrityError), transaction.atomic():
        reservations.add(_reservation(order_id=first.order_id))


@pytest.mark.parametrize("order_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_order_has_no_reservation(reservations, order_id):
    ReservationFactory()
    assert reservations.for_order(order_id) is None
    with transaction.atomic():
        assert reservations.for_order(order_id, lock=True) is None


def test_expired_order_ids_are_active_reservations_past_expiry_soonest_first(reservations):
    late = ReservationFactory(expires_at=NOW - timedelta(minutes=1))
    later = ReservationFactory(expires_at=NOW - timedelta(minutes=9))
    ReservationFactory(expires_at=NOW - timedelta(minutes=5), status="released")
    ReservationFactory(expires_at=NOW + timedelta(minutes=5))
    assert reservations.expired_order_ids(now=NOW, limit=10) == [str(later.order_id), str(late.order_id)]
    assert reservations.expired_order_ids(now=NOW, limit=1) == [str(later.order_id)]


@pytest.mark.django_db(transaction=True)
def test_the_locked_read_holds_the_reservation_row(reservations):
    row = ReservationFactory()
    found = assert_locks_row(lambda: reservations.for_order(str(row.order_id), lock=True))
    assert found.id == row.id


# --- invoices -----------------------------------------------------------------------------------


def test_an_invoice_is_stored_with_its_printed_data_and_pdf(invoices):
    order_id = str(uuid.uuid4())
    invoices.add(_invoice(order_id), pdf=b"%PDF-1.7 bytes\x00\xff")
    assert invoices.summary(order_id) == InvoiceSummary(
        number="MKT-202601-00001", issued_at=NOW, total=Money(118000, "INR")
    )
    assert invoices.document(order_id) == InvoiceDocument(number="MKT-202601-00001", pdf=b"%PDF-1.7 bytes\x00\xff")
    row = InvoiceRecord.objects.get(order_id=order_id)
    assert (row.period, row.seller_id, row.buyer_id, row.subtotal_minor, row.tax_minor, row.tax_rate) == (
        "202601",
        "vendor-1",
        "buyer-1",
        100000,
        18000,
        "0.18",
    )
    assert row.data == {
        "seller": {"id": "vendor-1", "name": "Asha Repairs", "email": "asha@example.com", "address": "Pune"},
        "buyer": {"id": "buyer-1", "name": "Kiran", "email": "kiran@example.com", "address": ""},
        "lines": [
            {"description": "Laptop repair — Express", "quantity": 2, "unit_price": "500.00", "amount": "1000.00"}
        ],
        "payment_reference": "pay_123",
    }


@pytest.mark.parametrize("order_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_order_has_no_invoice(invoices, order_id):
    CatalogInvoiceFactory()
    assert invoices.summary(order_id) is None
    assert invoices.document(order_id) is None


def test_one_invoice_per_order_and_per_number(invoices):
    existing = CatalogInvoiceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        invoices.add(_invoice(str(existing.order_id), number="MKT-202601-99999"), pdf=b"")
    with pytest.raises(IntegrityError), transaction.atomic():
        invoices.add(_invoice(str(uuid.uuid4()), number=existing.number), pdf=b"")
