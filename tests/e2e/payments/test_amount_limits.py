"""Bounded money (issue #13): an amount above the configured maximum is 422 amount_too_large,
at every place an order or a payment is created, and nothing is written."""

from __future__ import annotations

import pytest

from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import assert_problem, post

pytestmark = pytest.mark.django_db


def test_the_default_maximum_is_ten_million_per_order(http, merchant):
    from adapters.django_orm.payments.models import OrderRecord
    from adapters.django_orm.payments.stats import DjangoStatsQuery

    assert create_order(http, merchant, amount="10000000.00")["amount"] == "10000000.00"
    before = OrderRecord.objects.count()
    for amount in ("10000000.01", "999999999999999.99"):
        problem = assert_problem(
            post(http, "/api/v1/orders", {"amount": amount}, **merchant["headers"]), 422, "amount_too_large"
        )
        assert problem["errors"][0]["field"] == "amount"
        assert "10000000.00 INR" in problem["detail"]
    assert OrderRecord.objects.count() == before
    assert DjangoStatsQuery().summary(seller_id=None, since=None).total_orders == before


def test_the_maximum_is_configurable_per_currency(http, merchant, settings):
    settings.MAX_PAYMENT_AMOUNT = "5000.00"
    settings.MAX_PAYMENT_AMOUNT_BY_CURRENCY = "JPY:800000"
    assert create_order(http, merchant, amount="800000", currency="JPY")["amount"] == "800000"
    assert create_order(http, merchant, amount="5000.00", currency="USD")["amount"] == "5000.00"
    for amount, currency in (("800001", "JPY"), ("5000.01", "USD"), ("5000.01", "INR")):
        assert_problem(
            post(http, "/api/v1/orders", {"amount": amount, "currency": currency}, **merchant["headers"]),
            422,
            "amount_too_large",
        )


def test_an_order_from_before_a_lower_maximum_cannot_be_paid(http, merchant, settings):
    from adapters.django_orm.payments.models import PaymentRecord

    order = create_order(http, merchant, amount="9000.00")
    settings.MAX_PAYMENT_AMOUNT = "5000.00"
    assert_problem(pay_card(http, merchant, order["id"]), 422, "amount_too_large")
    assert not PaymentRecord.objects.filter(order_id=order["id"]).exists()


def test_a_marketplace_order_above_the_maximum_is_refused_and_keeps_the_stock(http, settings):
    from adapters.django_orm.payments.models import OrderRecord
    from tests.e2e.marketplace.conftest import (
        create_service,
        create_variant,
        new_vendor,
        order,
        session_headers,
        variant_state,
    )
    from tests.helpers import admin_token, bearer, register

    vendor = new_vendor(http, bearer(admin_token(http)))
    variant = create_variant(http, vendor, create_service(http, vendor)["id"], price="3000.00", stock=10)
    customer = session_headers(register(http, "customer"))
    settings.MAX_PAYMENT_AMOUNT = "5000.00"
    assert_problem(order(http, customer, variant["id"], quantity=2), 422, "amount_too_large")
    assert variant_state(http, vendor, variant)["available"] == 10
    assert not OrderRecord.objects.filter(kind="marketplace").exists()
    assert order(http, customer, variant["id"], quantity=1).status_code == 201


def test_a_distributor_payment_above_the_maximum_leaves_no_order(http, django_capture_on_commit_callbacks):
    from adapters.django_orm.payments.models import OrderRecord
    from tests.e2e.distributors.test_distributor_payments import BASE, _active
    from tests.helpers import admin_token, bearer

    admin = bearer(admin_token(http))
    distributor = _active(http, admin, django_capture_on_commit_callbacks)
    body = {"amount": "10000000.01", "method": "bank_transfer", "reference": "UTR1"}
    assert_problem(post(http, f"{BASE}/{distributor['id']}/payments", body, **admin), 422, "amount_too_large")
    assert not OrderRecord.objects.filter(kind="distributor").exists()
