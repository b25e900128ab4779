"""Distributor payments end to end: record, admin confirms, the SAP journal entry is posted once."""

from __future__ import annotations

import pytest

from tests.distributor_data import distributor_body
from tests.e2e.distributors.conftest import create, distributor_user
from tests.e2e.distributors.test_sap_sync import approve, redrive
from tests.helpers import assert_problem, post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distributors"


def _active(http, admin, capture, user_id=None) -> dict:
    body = distributor_body()
    distributor = create(http, admin, body).json()
    if user_id:
        from adapters.django_orm.distributors.models import Distributor

        Distributor.objects.filter(pk=distributor["id"]).update(user_id=user_id)
    approve(http, admin, distributor["id"], capture)
    return distributor


def test_bank_transfer_confirmed_by_admin_posts_a_journal_entry(http, admin, sap, django_capture_on_commit_callbacks):
    distributor = _active(http, admin, django_capture_on_commit_callbacks)
    recorded = post(
        http,
        f"{BASE}/{distributor['id']}/payments",
        {"amount": "25000.00", "method": "bank_transfer", "reference": "UTR9"},
        **admin,
    )
    assert recorded.status_code == 201, recorded.content
    payment = recorded.json()["payment"]
    assert (payment["status"], payment["gateway_reference"]) == ("pending", "UTR9")
    assert recorded.json()["order"]["kind"] == "distributor"

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **admin)
    assert confirmed.json()["status"] == "captured"
    redrive("event.erp_journal")
    redrive("erp.journal_entry.post")

    listed = http.get(f"{BASE}/{distributor['id']}/payments", headers=admin).json()["items"]
    assert [p["payment"]["id"] for p in listed] == [payment["id"]]
    journal = listed[0]["journal_entry"]
    assert journal["sync_status"] == "synced", journal
    assert journal["sap_document"]
    assert len(sap.documents) == 1
    # The admin list of seed 000's /api/payments/ by distributor.
    by_distributor = http.get(f"/api/v1/payments?distributor_id={distributor['id']}", headers=admin).json()["items"]
    assert [p["id"] for p in by_distributor] == [payment["id"]]


def test_distributor_records_its_own_payment_but_not_anothers(http, admin, django_capture_on_commit_callbacks):
    headers, session = distributor_user(http)
    mine = _active(http, admin, django_capture_on_commit_callbacks, user_id=session["user"]["id"])
    other = _active(http, admin, django_capture_on_commit_callbacks)
    body = {"amount": "100.00", "method": "bank_transfer", "reference": "UTR1"}
    assert post(http, f"{BASE}/{mine['id']}/payments", body, **headers).status_code == 201
    assert_problem(post(http, f"{BASE}/{other['id']}/payments", body, **headers), 404, "not_found")
    assert_problem(http.get(f"{BASE}/{other['id']}/payments", headers=headers), 404, "not_found")


def test_pending_distributor_cannot_pay_and_nothing_is_left_behind(http, admin):
    from adapters.django_orm.payments.models import OrderRecord

    distributor = create(http, admin, distributor_body()).json()
    body = {"amount": "100.00", "method": "bank_transfer", "reference": "UTR2"}
    assert_problem(post(http, f"{BASE}/{distributor['id']}/payments", body, **admin), 409, "distributor_not_active")
    assert not OrderRecord.objects.filter(kind="distributor").exists()


def test_bad_distributor_payment_input_leaves_no_order(http, admin, django_capture_on_commit_callbacks):
    from adapters.django_orm.payments.models import OrderRecord

    distributor = _active(http, admin, django_capture_on_commit_callbacks)
    no_reference = post(
        http, f"{BASE}/{distributor['id']}/payments", {"amount": "1.00", "method": "bank_transfer"}, **admin
    )
    assert_problem(no_reference, 422, "reference_required")
    assert_problem(
        post(
            http,
            f"{BASE}/{distributor['id']}/payments",
            {"amount": "0", "method": "bank_transfer", "reference": "U"},
            **admin,
        ),
        422,
        "invalid_amount",
    )
    assert not OrderRecord.objects.filter(kind="distributor").exists()


def test_admin_refunds_a_distributor_payment_which_waits_for_the_transfer_reference(
    http, admin, sap, django_capture_on_commit_callbacks
):
    headers, session = distributor_user(http)
    distributor = _active(http, admin, django_capture_on_commit_callbacks, user_id=session["user"]["id"])
    recorded = post(
        http,
        f"{BASE}/{distributor['id']}/payments",
        {"amount": "5000.00", "method": "bank_transfer", "reference": "UTR77"},
        **admin,
    )
    payment = recorded.json()["payment"]
    assert post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **admin).json()["status"] == "captured"
    # Only admins refund what the company was paid; the distributor itself cannot.
    body = {"payment_id": payment["id"], "amount": "1500.00", "reason": "overpaid"}
    assert post(http, "/api/v1/refunds", body, **headers).status_code == 403
    refund = post(http, "/api/v1/refunds", body, **admin)
    assert refund.status_code == 201, refund.content
    # Nobody has sent the money back yet: pending, but counted, until an admin gives the reference.
    assert (refund.json()["status"], refund.json()["accepted_at"] is not None) == ("pending", True)
    state = http.get(f"/api/v1/payments/{payment['id']}", headers=admin).json()
    assert (state["status"], state["amount_refunded"]) == ("partially_refunded", "1500.00")
    missing = post(http, f"/api/v1/refunds/{refund.json()['id']}/confirm", {}, **admin)
    assert_problem(missing, 422, "validation_error")
    confirmed = post(http, f"/api/v1/refunds/{refund.json()['id']}/confirm", {"reference": "UTR-BACK-1"}, **admin)
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["status"], confirmed.json()["gateway_reference"]) == ("succeeded", "UTR-BACK-1")
    again = post(http, f"/api/v1/refunds/{refund.json()['id']}/confirm", {"reference": "UTR-BACK-2"}, **admin)
    assert_problem(again, 409, "refund_not_confirmable")
