"""Vendor activation: inactive vendors log in and edit their profile but cannot sell."""

from __future__ import annotations

import pytest

from tests.e2e.marketplace.conftest import create_service, create_variant, new_vendor
from tests.helpers import assert_problem, patch, post

pytestmark = pytest.mark.django_db


def test_a_new_vendor_is_inactive_can_edit_its_profile_but_cannot_sell(http, admin):
    vendor = new_vendor(http)
    me = http.get("/api/v1/auth/me", headers=vendor["headers"]).json()
    assert me["profile"]["is_active"] is False
    edited = patch(http, "/api/v1/auth/me", {"business_name": "Ravi Motors & Sons"}, **vendor["headers"])
    assert edited.status_code == 200
    assert edited.json()["profile"]["business_name"] == "Ravi Motors & Sons"
    assert edited.json()["profile"]["is_active"] is False
    assert_problem(
        post(http, "/api/v1/services", {"name": "Engine repair"}, **vendor["headers"]), 403, "vendor_inactive"
    )
    # Reading its (empty) catalogue is fine.
    assert http.get("/api/v1/services", headers=vendor["headers"]).json()["items"] == []


def test_a_vendor_cannot_activate_itself_through_its_profile(http):
    vendor = new_vendor(http)
    response = patch(http, "/api/v1/auth/me", {"is_active": True}, **vendor["headers"])
    assert response.status_code == 422
    assert http.get("/api/v1/auth/me", headers=vendor["headers"]).json()["profile"]["is_active"] is False


def test_admin_lists_activates_and_deactivates_vendors(http, admin):
    vendor = new_vendor(http, business_name="Activation Garage")
    vendor_id = vendor["user"]["id"]
    waiting = http.get("/api/v1/admin/vendors?is_active=false&q=activation", headers=admin).json()
    assert [v["id"] for v in waiting["items"]] == [vendor_id]
    assert waiting["items"][0]["business_name"] == "Activation Garage"

    activated = post(http, f"/api/v1/admin/vendors/{vendor_id}/activate", **admin)
    assert activated.status_code == 200
    assert activated.json()["is_active"] is True
    assert http.get("/api/v1/auth/me", headers=vendor["headers"]).json()["profile"]["is_active"] is True
    service = create_service(http, vendor)
    create_variant(http, vendor, service["id"])
    assert http.get(f"/api/v1/catalog/services/{service['id']}").status_code == 200

    deactivated = post(http, f"/api/v1/admin/vendors/{vendor_id}/deactivate", **admin)
    assert deactivated.json()["is_active"] is False
    assert_problem(post(http, "/api/v1/services", {"name": "Brakes"}, **vendor["headers"]), 403, "vendor_inactive")
    assert_problem(
        patch(http, f"/api/v1/services/{service['id']}", {"name": "Renamed"}, **vendor["headers"]),
        403,
        "vendor_inactive",
    )
    # A deactivated vendor disappears from the public catalog.
    assert_problem(http.get(f"/api/v1/catalog/services/{service['id']}"), 404, "not_found")
    listed = http.get(f"/api/v1/catalog/services?vendor_id={vendor_id}").json()
    assert listed["items"] == []


def test_activation_is_idempotent_and_replayable(http, admin):
    vendor = new_vendor(http)
    path = f"/api/v1/admin/vendors/{vendor['user']['id']}/activate"
    first = post(http, path, **admin, **{"Idempotency-Key": "activate-1"})
    again = post(http, path, **admin, **{"Idempotency-Key": "activate-1"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert post(http, path, **admin).json()["is_active"] is True


def test_only_admins_manage_vendors_and_unknown_ids_are_404(http, admin, customer):
    vendor = new_vendor(http)
    assert_problem(http.get("/api/v1/admin/vendors", headers=vendor["headers"]), 403, "forbidden")
    assert_problem(
        post(http, f"/api/v1/admin/vendors/{vendor['user']['id']}/activate", **vendor["headers"]), 403, "forbidden"
    )
    assert_problem(post(http, "/api/v1/admin/vendors/not-a-uuid/activate", **admin), 404, "not_found")
    # A customer is not a vendor: nothing to activate.
    assert_problem(post(http, f"/api/v1/admin/vendors/{customer['user']['id']}/activate", **admin), 404, "not_found")
