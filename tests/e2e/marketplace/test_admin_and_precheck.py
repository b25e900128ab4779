"""The back office pages, and seed 001's optional Redis pre-check in front of the stock UPDATE."""

from __future__ import annotations

import os

import pytest
from django.test import Client

from tests.e2e.marketplace.conftest import DECLINE, new_vendor, order, pay_with, variant_state
from tests.helpers import assert_problem, make_admin

pytestmark = pytest.mark.django_db


def test_back_office_lists_vendors_and_activates_them(http, variant):
    from adapters.django_orm.identity.models import User

    pending = new_vendor(http, business_name="Back Office Garage")
    email, _ = make_admin()
    staff = Client()
    staff.force_login(User.objects.get(email=email))
    page = staff.get("/admin/catalog/vendoraccount/")
    assert page.status_code == 200
    assert b"Back Office Garage" in page.content
    for path in ("/admin/catalog/servicerecord/", "/admin/catalog/variantrecord/", "/admin/catalog/reservationrecord/"):
        assert staff.get(path).status_code == 200, path
    response = staff.post(
        "/admin/catalog/vendoraccount/",
        {"action": "activate", "_selected_action": [pending["user"]["id"]]},
    )
    assert response.status_code == 302
    assert http.get("/api/v1/auth/me", headers=pending["headers"]).json()["profile"]["is_active"] is True


@pytest.mark.redis
def test_redis_pre_check_rejects_without_the_database_and_follows_released_stock(
    http, settings, vendor, customer, variant
):
    settings.MARKETPLACE_STOCK_PRECHECK_URL = os.environ["REDIS_URL"]
    from entrypoints.bootstrap import container

    precheck = container().catalog.precheck
    assert precheck is not None
    precheck.forget(variant["id"])
    assert order(http, customer, variant["id"], quantity=4).status_code == 201  # counter seeded at 5, now 1
    assert_problem(order(http, customer, variant["id"], quantity=2), 409, "out_of_stock")
    declined = order(http, customer, variant["id"], quantity=1, **pay_with(DECLINE))
    assert declined.json()["reservation"]["status"] == "released"  # taken and given back
    assert order(http, customer, variant["id"], quantity=1).status_code == 201
    assert_problem(order(http, customer, variant["id"], quantity=1), 409, "out_of_stock")
    assert variant_state(http, vendor, variant)["available"] == 0
    # A counter that lies (too high) only costs a database check: never an oversold unit.
    precheck.forget(variant["id"])
    precheck.try_take(variant["id"], 1, seed=lambda: 50)
    assert_problem(order(http, customer, variant["id"], quantity=1), 409, "out_of_stock")
    assert variant_state(http, vendor, variant)["available"] == 0
