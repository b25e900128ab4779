"""The invoice PDF: produced in the background after payment, readable by buyer, seller and admins only."""

from __future__ import annotations

import re

import pytest

from tests.e2e.marketplace.conftest import DECLINE, drain, new_vendor, order, pay_with, session_headers
from tests.helpers import assert_problem, register

pytestmark = pytest.mark.django_db


def test_invoice_is_produced_after_payment_and_shown_to_the_parties_only(http, admin, vendor, customer, variant):
    placed = order(http, customer, variant["id"], quantity=2).json()
    order_id = placed["order"]["id"]
    path = f"/api/v1/orders/{order_id}/invoice"
    assert_problem(http.get(path, headers=customer["headers"]), 409, "invoice_not_ready")
    assert drain() >= 1
    for who in (customer["headers"], vendor["headers"], admin):
        response = http.get(path, headers=who)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    number = re.search(r'filename="(MKT-\d{6}-\d{5})\.pdf"', response["Content-Disposition"]).group(1)
    detail = http.get(f"/api/v1/marketplace/orders/{order_id}", headers=customer["headers"]).json()
    assert detail["invoice"]["number"] == number
    assert detail["invoice"]["total"] == "3000.00"
    assert detail["invoice"]["url"] == path
    stranger = session_headers(register(http, "customer"))
    assert_problem(http.get(path, headers=stranger["headers"]), 404, "not_found")
    other_vendor = new_vendor(http, admin, business_name="Other")
    assert_problem(http.get(path, headers=other_vendor["headers"]), 404, "not_found")
    assert_problem(http.get(path), 401, "unauthenticated")


def test_invoice_numbers_are_unique_and_sequential_and_issued_once(http, customer, variant):
    from entrypoints.bootstrap import container

    first = order(http, customer, variant["id"]).json()["order"]["id"]
    second = order(http, customer, variant["id"]).json()["order"]["id"]
    drain()
    a = container().marketplace.invoice_issue(order_id=first)
    b = container().marketplace.invoice_issue(order_id=second)
    assert a
    assert b
    assert a != b
    assert int(b.rsplit("-", 1)[1]) == int(a.rsplit("-", 1)[1]) + 1
    assert container().marketplace.invoice_issue(order_id=first) == a  # issuing again returns the first


def test_unpaid_orders_have_no_invoice(http, vendor, customer, variant):
    failed = order(http, customer, variant["id"], **pay_with(DECLINE)).json()
    drain()
    assert_problem(
        http.get(f"/api/v1/orders/{failed['order']['id']}/invoice", headers=customer["headers"]),
        409,
        "invoice_not_ready",
    )


def test_gst_is_added_and_printed_when_configured(http, settings, vendor, customer, variant):
    from adapters.django_orm.catalog.models import InvoiceRecord

    settings.MARKETPLACE_TAX_RATE = "18"
    placed = order(http, customer, variant["id"], quantity=3).json()
    assert placed["order"]["amount"] == "5310.00"  # 3 x 1500.00 + 18 % GST
    assert placed["order"]["metadata"]["tax"] == "810.00"
    drain()
    record = InvoiceRecord.objects.get(order_id=placed["order"]["id"])
    assert (record.subtotal_minor, record.tax_minor, record.total_minor) == (450000, 81000, 531000)
    assert record.tax_rate == "18"
    assert record.data["seller"]["name"] == "Ravi Motors"
    assert record.data["lines"] == [
        {"description": "Engine repair - Premium", "quantity": 3, "unit_price": "1500.00", "amount": "4500.00"}
    ]
    assert bytes(record.pdf).startswith(b"%PDF-")


def test_merchant_orders_have_no_marketplace_invoice(http, admin):
    from tests.helpers import post

    merchant = register(http, "merchant")
    plain = post(http, "/api/v1/orders", {"amount": "10.00"}, **{"X-API-Key": merchant["api_key"]}).json()
    assert_problem(http.get(f"/api/v1/orders/{plain['id']}/invoice", headers=admin), 404, "not_found")
