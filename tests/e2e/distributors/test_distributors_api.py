"""Distributors through HTTP: onboarding, validation, uniqueness, visibility, workflow, history, edits."""

from __future__ import annotations

import json

import pytest

from adapters.django_orm.erp.models import ErpSyncRecord
from adapters.django_orm.platform.models import OutboxMessage
from application.shared.errors import NotFound
from domain.identity.user import Principal, Role
from entrypoints.bootstrap import container
from tests.distributor_data import distributor_body, make_gstin, make_pan
from tests.e2e.distributors.conftest import create, distributor_user
from tests.helpers import assert_problem, bearer, patch, post, register

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distributors"


def test_admin_onboards_a_pending_distributor_and_sees_everything(http, admin):
    body = distributor_body()
    response = create(http, admin, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending"
    assert created["gstin"] == body["gstin"]
    assert created["pan"] == body["pan"]
    assert created["bank_account_number"] == "001234567890"
    assert created["bank_account_last4"] == "7890"
    assert created["phone"] == "+919812345678"
    assert created["billing_address"]["country"] == "IN"
    assert created["metadata"] == {"region": "west"}
    assert created["user_id"] is None
    assert (created["sync_status"], created["sap_business_partner_id"]) == (None, None)
    # (Timestamps aside: ninja's encoder renders milliseconds, the idempotent POST microseconds.)
    read = http.get(f"{BASE}/{created['id']}", headers=admin).json()
    assert {k: v for k, v in read.items() if not k.endswith("_at")} == {
        k: v for k, v in created.items() if not k.endswith("_at")
    }
    [entry] = http.get(f"{BASE}/{created['id']}/history", headers=admin).json()
    assert (entry["from_status"], entry["to_status"]) == (None, "pending")


def test_a_distributor_applies_once_for_itself_and_sees_only_itself(http, admin):
    own, session = distributor_user(http)
    response = create(http, own, distributor_body(user_id="00000000-0000-0000-0000-000000000001"))
    assert_problem(response, 403, "forbidden")
    response = create(http, own, distributor_body())
    assert response.status_code == 201, response.content
    mine = response.json()
    assert mine["user_id"] == session["user"]["id"]
    # The account number is for admins; the distributor sees the last four digits.
    assert mine["bank_account_number"] is None
    assert mine["bank_account_last4"] == "7890"
    assert_problem(create(http, own, distributor_body()), 409, "distributor_exists")

    other = create(http, admin, distributor_body()).json()
    listed = http.get(BASE, headers=own).json()
    assert [d["id"] for d in listed["items"]] == [mine["id"]]
    assert_problem(http.get(f"{BASE}/{other['id']}", headers=own), 404, "not_found")
    assert_problem(http.get(f"{BASE}/{other['id']}/history", headers=own), 404, "not_found")
    assert_problem(patch(http, f"{BASE}/{other['id']}", {"phone": "9876543210"}, **own), 404, "not_found")
    assert_problem(http.get(f"{BASE}/not-a-uuid", headers=own), 404, "not_found")
    assert http.get(f"{BASE}/{mine['id']}", headers=own).status_code == 200


def test_other_roles_are_refused(http):
    merchant = bearer(register(http, "merchant")["access"])
    assert_problem(create(http, merchant, distributor_body()), 403, "forbidden")
    assert_problem(http.get(BASE, headers=merchant), 403, "forbidden")
    assert_problem(http.get(BASE), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"gstin": "27AAPFU0939F1ZA", "pan": "AAPFU0939F"}, "invalid_gstin", "gstin"),
        ({"gstin": "27AAPFU0939F1ZV", "pan": "AAPFU0939G"}, "pan_gstin_mismatch", "pan"),
        ({"ifsc": "HDFC1001234"}, "invalid_ifsc", "ifsc"),
        ({"bank_account_number": "12345678A"}, "invalid_bank_account", "bank_account_number"),
        ({"email": "nobody"}, "invalid_email", "email"),
        ({"metadata": {"blob": "x" * 5000}}, "metadata_too_large", "metadata"),
    ],
)
def test_bad_identifiers_are_422_naming_the_field(http, admin, overrides, code, field):
    body = assert_problem(create(http, admin, distributor_body(**overrides)), 422, code)
    assert body["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("gstin"), "gstin"),
        (lambda b: b.update(colour="blue"), "colour"),
        (lambda b: b["billing_address"].update(country="US"), "billing_address.country"),
        (lambda b: b["billing_address"].update(postal_code="1234"), "billing_address.postal_code"),
    ],
)
def test_malformed_bodies_are_422_validation_errors(http, admin, mutate, field):
    body = distributor_body()
    mutate(body)
    problem = assert_problem(create(http, admin, body), 422, "validation_error")
    assert field in [e["field"] for e in problem["errors"]]


def test_gstin_and_pan_are_unique(http, admin):
    first = distributor_body()
    assert create(http, admin, first).status_code == 201
    same_gstin = distributor_body(gstin=first["gstin"], pan=first["pan"], email="other@example.com")
    assert_problem(create(http, admin, same_gstin), 409, "distributor_exists")
    # Another state's GSTIN for the same PAN: still one distributor per PAN.
    same_pan = distributor_body(gstin=make_gstin(first["pan"], state="29"), pan=first["pan"])
    problem = assert_problem(create(http, admin, same_pan), 409, "distributor_exists")
    assert "PAN" in problem["detail"]


def test_admin_links_a_distributor_login_but_not_another_role(http, admin):
    _, session = distributor_user(http)
    linked = create(http, admin, distributor_body(user_id=session["user"]["id"]))
    assert linked.status_code == 201
    assert linked.json()["user_id"] == session["user"]["id"]
    assert_problem(create(http, admin, distributor_body(user_id=session["user"]["id"])), 409, "distributor_exists")
    merchant = register(http, "merchant")
    assert_problem(create(http, admin, distributor_body(user_id=merchant["user"]["id"])), 422, "invalid_user")
    assert_problem(create(http, admin, distributor_body(user_id="nope")), 422, "invalid_user")


def test_list_filters_search_and_pages(http, admin):
    names = ["Zeta Agencies", "Sunrise Traders", "Sunset Supplies"]
    made = [create(http, admin, distributor_body(legal_name=n, trade_name="")).json() for n in names]
    post(http, f"{BASE}/{made[0]['id']}/approve", None, **admin)
    assert [d["legal_name"] for d in http.get(f"{BASE}?q=sun", headers=admin).json()["items"]] == [
        "Sunset Supplies",
        "Sunrise Traders",
    ]
    assert [d["id"] for d in http.get(f"{BASE}?q={made[1]['gstin'].lower()}", headers=admin).json()["items"]] == [
        made[1]["id"]
    ]
    assert [d["id"] for d in http.get(f"{BASE}?status=active", headers=admin).json()["items"]] == [made[0]["id"]]
    first = http.get(f"{BASE}?limit=2", headers=admin).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    second = http.get(f"{BASE}?limit=2&cursor={first['next_cursor']}", headers=admin).json()
    assert [d["id"] for d in first["items"] + second["items"]] == [d["id"] for d in reversed(made)]
    assert_problem(http.get(f"{BASE}?cursor=garbage", headers=admin), 422, "invalid_cursor")
    assert_problem(http.get(f"{BASE}?status=sleeping", headers=admin), 422, "validation_error")


def test_workflow_is_recorded_with_who_and_when(http, admin):
    distributor = create(http, admin, distributor_body()).json()
    url = f"{BASE}/{distributor['id']}"
    own, _ = distributor_user(http)
    assert_problem(post(http, f"{url}/approve", None, **own), 403, "forbidden")
    assert_problem(post(http, f"{url}/suspend", None, **admin), 409, "invalid_state_transition")
    approved = post(http, f"{url}/approve", {"reason": "KYC done"}, **admin)
    assert approved.status_code == 200
    assert approved.json()["status"] == "active"
    assert approved.json()["sync_status"] in {"pending", "synced"}
    assert_problem(post(http, f"{url}/approve", None, **admin), 409, "invalid_state_transition")
    assert post(http, f"{url}/suspend", {"reason": "overdue"}, **admin).json()["status"] == "suspended"
    assert_problem(post(http, f"{url}/approve", None, **admin), 409, "invalid_state_transition")
    assert post(http, f"{url}/reactivate", None, **admin).json()["status"] == "active"
    history = http.get(f"{url}/history", headers=admin).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "pending"),
        ("pending", "active"),
        ("active", "suspended"),
        ("suspended", "active"),
    ]
    admin_id = http.get("/api/v1/auth/me", headers=admin).json()["id"]
    assert {h["changed_by"] for h in history} == {admin_id}
    assert [h["reason"] for h in history[1:3]] == ["KYC done", "overdue"]
    assert_problem(post(http, f"{BASE}/00000000-0000-4000-8000-000000000000/approve", None, **admin), 404, "not_found")


def test_put_replaces_and_patch_changes_some(http, admin):
    own, _ = distributor_user(http)
    mine = create(http, own, distributor_body()).json()
    url = f"{BASE}/{mine['id']}"
    replacement = distributor_body(legal_name="Acme Two", trade_name="")
    replacement.pop("metadata")
    replaced = http.put(url, data=json.dumps(replacement), content_type="application/json", headers=own)
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["legal_name"], replaced.json()["metadata"]) == ("Acme Two", {})
    patched = patch(
        http,
        url,
        {"contact_person": "Ravi", "billing_address": {**replacement["billing_address"], "city": "Mumbai"}},
        **own,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["contact_person"] == "Ravi"
    assert patched.json()["billing_address"]["city"] == "Mumbai"
    assert patched.json()["gstin"] == replacement["gstin"]
    assert_problem(patch(http, url, {"ifsc": "BAD00000000"}, **own), 422, "invalid_ifsc")
    assert_problem(patch(http, url, {"legal_name": None}, **own), 422, "invalid_value")
    assert_problem(patch(http, url, {"status": "active"}, **own), 422, "validation_error")


def test_after_approval_only_admins_change_the_legal_identity(http, admin):
    own, _ = distributor_user(http)
    mine = create(http, own, distributor_body()).json()
    url = f"{BASE}/{mine['id']}"
    post(http, f"{url}/approve", None, **admin)
    pan = make_pan()
    new_identity = {"gstin": make_gstin(pan), "pan": pan}
    problem = assert_problem(patch(http, url, new_identity, **own), 409, "field_locked")
    assert problem["field"] == "gstin"
    # Sending the same values is no change.
    assert patch(http, url, {"gstin": mine["gstin"].lower(), "phone": "9876543210"}, **own).status_code == 200
    messages = OutboxMessage.objects.filter(topic="erp.business_partner.upsert").count()
    changed = patch(http, url, {**new_identity, "legal_name": "Acme Renamed"}, **admin)
    assert changed.status_code == 200
    assert changed.json()["gstin"] == new_identity["gstin"]
    # SAP's copy is updated: another business-partner upsert is queued.
    assert OutboxMessage.objects.filter(topic="erp.business_partner.upsert").count() == messages + 1
    other = create(http, admin, distributor_body()).json()
    taken = {"gstin": other["gstin"], "pan": other["pan"]}
    assert_problem(patch(http, url, taken, **admin), 409, "distributor_exists")


def test_create_is_idempotent_with_a_key(http, admin):
    body = distributor_body()
    first = create(http, admin, body, **{"Idempotency-Key": "onboard-1"})
    again = create(http, admin, body, **{"Idempotency-Key": "onboard-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert_problem(
        create(http, admin, distributor_body(), **{"Idempotency-Key": "onboard-1"}), 422, "idempotency_key_reused"
    )


def test_distributor_for_payment_is_scoped_like_reads(http, admin):
    own, session = distributor_user(http)
    mine = create(http, own, distributor_body()).json()
    me = Principal(user_id=session["user"]["id"], role=Role.DISTRIBUTOR)
    found = container().distributors.distributor_for_payment(distributor_id=mine["id"], principal=me)
    assert found == (mine["id"], session["user"]["id"], None)
    boss = Principal(user_id=http.get("/api/v1/auth/me", headers=admin).json()["id"], role=Role.ADMIN)
    post(http, f"{BASE}/{mine['id']}/approve", None, **admin)
    _, _, sap_id = container().distributors.distributor_for_payment(distributor_id=mine["id"], principal=boss)
    record = ErpSyncRecord.objects.filter(object_id=mine["id"]).first()
    assert sap_id == (record.sap_id or None)
    _, stranger_session = distributor_user(http)
    stranger = Principal(user_id=stranger_session["user"]["id"], role=Role.DISTRIBUTOR)
    merchant = Principal(user_id=session["user"]["id"], role=Role.MERCHANT)
    for caller, target in ((stranger, mine["id"]), (merchant, mine["id"]), (boss, "not-a-uuid")):
        with pytest.raises(NotFound):
            container().distributors.distributor_for_payment(distributor_id=target, principal=caller)
