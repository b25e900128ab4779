"""ERP and live vs sandbox: the simulator's records say livemode false, a live deployment posts no
sandbox money to SAP, and without any SAP a sync waits as pending, never synced."""

from __future__ import annotations

import pytest

from tests.distributor_data import distributor_body
from tests.e2e.distributors.conftest import create
from tests.e2e.distributors.test_sap_sync import approve, redrive
from tests.helpers import post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distributors"


def _recorded_payment(http, admin, capture, *, sandbox: bool) -> tuple[dict, dict]:
    distributor = create(http, admin, distributor_body()).json()
    approve(http, admin, distributor["id"], capture)
    body = {"amount": "25000.00", "method": "bank_transfer", "reference": "UTR77"}
    payment = post(http, f"{BASE}/{distributor['id']}/payments", body, **admin).json()["payment"]
    if sandbox:
        # As if a sandbox gateway (the card processor, a simulator) had taken it.
        from adapters.django_orm.payments.models import PaymentRecord

        PaymentRecord.objects.filter(pk=payment["id"]).update(livemode=False)
    with capture(execute=True):
        assert post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **admin).json()["status"] == "captured"
    redrive("event.erp_journal")
    redrive("erp.journal_entry.post")
    return distributor, payment


def test_records_synced_with_the_simulator_say_livemode_false(http, admin, sap, django_capture_on_commit_callbacks):
    distributor, _payment = _recorded_payment(http, admin, django_capture_on_commit_callbacks, sandbox=False)
    [listed] = http.get(f"{BASE}/{distributor['id']}/payments", headers=admin).json()["items"]
    assert (listed["journal_entry"]["sync_status"], listed["journal_entry"]["livemode"]) == ("synced", False)
    records = http.get("/api/v1/admin/erp/sync", headers=admin).json()["items"]
    assert {(r["kind"], r["livemode"]) for r in records} == {("business_partner", False), ("journal_entry", False)}


def test_a_live_deployment_posts_no_sandbox_money_to_sap(
    http, admin, sap, settings, django_capture_on_commit_callbacks
):
    settings.LIVEMODE = True
    distributor, _sandbox = _recorded_payment(http, admin, django_capture_on_commit_callbacks, sandbox=True)
    [listed] = http.get(f"{BASE}/{distributor['id']}/payments", headers=admin).json()["items"]
    assert listed["payment"]["livemode"] is False
    assert listed["journal_entry"] is None
    assert not sap.documents
    # Live money in the same deployment is posted.
    distributor, _live = _recorded_payment(http, admin, django_capture_on_commit_callbacks, sandbox=False)
    [listed] = http.get(f"{BASE}/{distributor['id']}/payments", headers=admin).json()["items"]
    assert listed["journal_entry"]["sync_status"] == "synced"
    assert len(sap.documents) == 1


def test_without_sap_syncs_stay_pending_and_say_why(http, admin, settings, django_capture_on_commit_callbacks):
    from entrypoints import bootstrap

    settings.SAP_CONFIGURED = False
    bootstrap.reset_container()
    assert bootstrap.container().erp.gateway is None
    distributor = create(http, admin, distributor_body()).json()
    shown = approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    assert shown["sync_status"] == "pending"
    assert shown["sync_last_error"].startswith("not_configured")
    # Nothing retries it into a failure, and a resync leaves it waiting the same way.
    with django_capture_on_commit_callbacks(execute=True):
        resync = post(http, "/api/v1/admin/erp/resync", {"kind": "business_partner", "id": distributor["id"]}, **admin)
    assert resync.status_code in {200, 202}, resync.content
    again = http.get(f"{BASE}/{distributor['id']}", headers=admin).json()
    assert (again["sync_status"], again["sap_business_partner_id"]) == ("pending", None)
