from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog.invoice import (
    INVOICE_SERIES,
    Charge,
    Invoice,
    InvoiceLine,
    Party,
    invoice_period,
    parse_tax_rate,
    tax_on,
)
from domain.catalog.reservation import LatePayment, ReleaseReason, Reservation, ReservationStatus
from domain.catalog.service import Service, Variant, check_quantity, clean_category
from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import Money

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _reservation() -> Reservation:
    return Reservation.create(
        variant_id=uuid.uuid4(), order_id=uuid.uuid4(), quantity=2, now=NOW, expires_at=NOW + timedelta(minutes=15)
    )


def test_reservation_is_consumed_or_released_once():
    held = _reservation()
    assert held.is_active
    assert not held.is_past_expiry(NOW)
    assert held.is_past_expiry(NOW + timedelta(minutes=15))
    held.consume(NOW)
    assert held.status is ReservationStatus.CONSUMED
    with pytest.raises(InvalidTransition):
        held.release(ReleaseReason.EXPIRED, NOW)
    with pytest.raises(InvalidTransition):
        held.consume(NOW)


def test_released_reservation_can_be_re_reserved_or_marked_refunded_but_not_both():
    late = _reservation()
    late.release(ReleaseReason.EXPIRED, NOW)
    assert late.release_reason == "expired"
    late.re_reserve(NOW)
    assert (late.status, late.late_payment) == (ReservationStatus.CONSUMED, LatePayment.RE_RESERVED)
    with pytest.raises(InvalidTransition):
        late.mark_refunded(NOW)
    refunded = _reservation()
    refunded.release(ReleaseReason.EXPIRED, NOW)
    refunded.mark_refunded(NOW)
    assert (refunded.status, refunded.late_payment) == (ReservationStatus.RELEASED, LatePayment.REFUNDED)
    with pytest.raises(InvalidTransition):
        _reservation().re_reserve(NOW)


@pytest.mark.parametrize("quantity", [0, -1, 1001, True, 1.0])
def test_quantities_outside_1_to_1000_are_refused(quantity):
    with pytest.raises(InvalidValue) as raised:
        check_quantity(quantity)
    assert raised.value.code == "invalid_quantity"


def test_services_and_variants_validate_their_fields():
    service = Service.create(vendor_id="v", name="  Engine  repair ", description="", category="Engine Repair", now=NOW)
    assert (service.name, service.category) == ("Engine repair", "engine-repair")
    with pytest.raises(InvalidValue):
        clean_category("a/b")
    with pytest.raises(InvalidValue):
        Service.create(vendor_id="v", name=" ", description="", category="", now=NOW)
    with pytest.raises(InvalidValue):
        Variant.create(service_id=service.id, vendor_id="v", name="X", price=Money(0, "INR"), stock=1, now=NOW)
    with pytest.raises(InvalidValue):
        Variant.create(service_id=service.id, vendor_id="v", name="X", price=Money(100, "INR"), stock=-1, now=NOW)


def test_invoice_numbers_and_tax_rates():
    assert INVOICE_SERIES.number(invoice_period(NOW), 7) == "MKT-202611-00007"
    assert INVOICE_SERIES.number(invoice_period(NOW), 123456) == "MKT-202611-123456"
    assert parse_tax_rate("18") == Decimal(18)
    assert parse_tax_rate("") == Decimal(0)
    for bad in ("-1", "101", "abc", "NaN"):
        with pytest.raises(InvalidValue):
            parse_tax_rate(bad)


def test_tax_rounds_half_up_in_minor_units():
    assert tax_on(Money(1000, "INR"), Decimal("12.5")) == Money(125, "INR")
    assert tax_on(Money(5, "INR"), Decimal("10")) == Money(1, "INR")  # 0.5 paisa rounds up
    assert tax_on(Money(4, "INR"), Decimal("10")) == Money(0, "INR")
    assert tax_on(Money(999, "JPY"), Decimal(0)) == Money(0, "JPY")


@given(
    unit=st.integers(min_value=1, max_value=10**9),
    quantity=st.integers(min_value=1, max_value=1000),
    rate=st.decimals(min_value=0, max_value=100, places=2),
)
def test_charges_always_add_up(unit, quantity, rate):
    charge = Charge.compute(unit_price=Money(unit, "INR"), quantity=quantity, tax_rate=rate)
    assert charge.subtotal.minor == unit * quantity
    assert charge.total == charge.subtotal + charge.tax
    assert 0 <= charge.tax.minor <= charge.subtotal.minor


def test_an_invoice_whose_totals_do_not_add_up_is_refused():
    line = InvoiceLine("Engine repair - Basic", 2, Money(500, "INR"), Money(1000, "INR"))
    party = Party(id="p", name="P")
    fields = {"order_id": "o", "issued_at": NOW, "seller": party, "buyer": party, "lines": [line]}
    Invoice(
        **fields,
        number="MKT-202611-00001",
        subtotal=Money(1000, "INR"),
        tax_rate=Decimal(0),
        tax=Money(0, "INR"),
        total=Money(1000, "INR"),
    )
    with pytest.raises(InvalidValue):
        Invoice(
            **fields,
            number="MKT-202611-00001",
            subtotal=Money(1000, "INR"),
            tax_rate=Decimal(0),
            tax=Money(0, "INR"),
            total=Money(1100, "INR"),
        )
    with pytest.raises(InvalidValue):
        Invoice(
            **fields,
            number="INV-1",
            subtotal=Money(1000, "INR"),
            tax_rate=Decimal(0),
            tax=Money(0, "INR"),
            total=Money(1000, "INR"),
        )
