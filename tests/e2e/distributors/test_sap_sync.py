"""SAP sync end to end: approval -> outbox -> business partner; journal entries; outages; resync; reconcile."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from adapters.django_orm.erp.models import ErpSyncRecord
from adapters.django_orm.platform.models import OutboxMessage
from adapters.gateways.sap import SapConfig
from domain.erp.sync import SyncKind, SyncRecord
from domain.shared.money import Money
from entrypoints import bootstrap
from entrypoints.bootstrap import erp
from tests.distributor_data import distributor_body
from tests.e2e.distributors.conftest import create
from tests.fakes.sap_server import PASSWORD, USERNAME, FakeSap
from tests.helpers import assert_problem, bearer, post, register, route_events

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distributors"
SYNC = "/api/v1/admin/erp/sync"
RESYNC = "/api/v1/admin/erp/resync"


@pytest.fixture
def fake() -> Iterator[FakeSap]:
    """A fake SAP on a real port, installed as the container's SAP instead of the in-app simulator."""
    with FakeSap() as server:
        bootstrap.container().erp.gateway = erp.build_gateway(
            config=SapConfig(base_url=server.url, username=USERNAME, password=PASSWORD, timeout=5.0)
        )
        yield server


def approve(http, admin, distributor_id, capture) -> dict:
    with capture(execute=True):
        response = post(http, f"{BASE}/{distributor_id}/approve", None, **admin)
    assert response.status_code == 200, response.content
    return http.get(f"{BASE}/{distributor_id}", headers=admin).json()


def redrive(topic: str) -> list[str]:
    """What the periodic sweeper does once the backoff has passed: run every pending message again."""
    container = bootstrap.container()
    route_events()  # an event subscriber's messages of a routed publish exist once it is routed
    pending = OutboxMessage.objects.filter(topic=topic, status=OutboxMessage.Status.PENDING)
    pending.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    return [container.process_outbox_message(str(m.pk)).status for m in pending]


def test_approval_creates_the_business_partner_in_sap(http, admin, sap, django_capture_on_commit_callbacks):
    body = distributor_body()
    distributor = create(http, admin, body).json()
    shown = approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    assert shown["sync_status"] == "synced"
    assert shown["sync_last_error"] is None
    partner = sap.partners[shown["sap_business_partner_id"]]
    assert partner["OrganizationBPName1"] == body["legal_name"][:40]
    assert {t["BPTaxNumber"] for t in partner["taxes"]} == {body["gstin"], body["pan"]}
    # The simulator was reached over its HTTP protocol: a token fetch, then the deep insert.
    assert ("POST", "sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner") in sap.log
    listed = http.get(f"{SYNC}?kind=business_partner&status=synced", headers=admin).json()["items"]
    assert [(r["id"], r["sap_id"], r["attempts"]) for r in listed] == [
        (distributor["id"], shown["sap_business_partner_id"], 1)
    ]


def test_approval_and_its_sync_request_commit_together(http, admin):
    distributor = create(http, admin, distributor_body()).json()
    post(http, f"{BASE}/{distributor['id']}/approve", None, **admin)
    assert ErpSyncRecord.objects.get(object_id=distributor["id"]).status == "pending"
    message = OutboxMessage.objects.get(topic="erp.business_partner.upsert")
    assert message.payload == {"distributor_id": distributor["id"]}
    # A refused approval writes neither.
    post(http, f"{BASE}/{distributor['id']}/approve", None, **admin)
    assert OutboxMessage.objects.filter(topic="erp.business_partner.upsert").count() == 1


def test_sap_down_keeps_the_sync_pending_with_the_error_until_it_is_back(
    http, admin, fake, django_capture_on_commit_callbacks
):
    distributor = create(http, admin, distributor_body()).json()
    fake.mode = "down"
    shown = approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    assert shown["status"] == "active"
    assert shown["sync_status"] == "pending"
    assert "503" in shown["sync_last_error"]
    fake.stop()
    assert redrive("erp.business_partner.upsert") == ["retry"]
    shown = http.get(f"{BASE}/{distributor['id']}", headers=admin).json()
    assert shown["sync_status"] == "pending"
    assert "unreachable" in shown["sync_last_error"]
    fake.mode = "up"
    fake.start()
    assert redrive("erp.business_partner.upsert") == ["done"]
    shown = http.get(f"{BASE}/{distributor['id']}", headers=admin).json()
    assert shown["sync_status"] == "synced"
    assert shown["sap_business_partner_id"] in fake.sim.partners
    assert ErpSyncRecord.objects.get(object_id=distributor["id"]).attempts == 3
    assert len(fake.sim.partners) == 1


def test_exhausted_retries_mark_failed_and_an_admin_resync_recovers(
    http, admin, fake, settings, django_capture_on_commit_callbacks
):
    settings.SAP_SYNC_MAX_ATTEMPTS = 2
    bootstrap.reset_container()
    bootstrap.container().erp.gateway = erp.build_gateway(
        config=SapConfig(base_url=fake.url, username=USERNAME, password=PASSWORD)
    )
    distributor = create(http, admin, distributor_body()).json()
    fake.mode = "down"
    approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    assert redrive("erp.business_partner.upsert") == ["dead"]
    failed = http.get(f"{SYNC}?status=failed", headers=admin).json()["items"]
    assert [r["id"] for r in failed] == [distributor["id"]]
    assert http.get(f"{BASE}/{distributor['id']}", headers=admin).json()["sync_status"] == "failed"

    fake.mode = "up"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(http, RESYNC, {"kind": "business_partner", "id": distributor["id"]}, **admin)
    assert response.status_code == 202
    assert response.json()["sync_status"] == "pending"
    shown = http.get(f"{BASE}/{distributor['id']}", headers=admin).json()
    assert shown["sync_status"] == "synced"
    assert shown["sync_last_error"] is None


def test_csrf_token_expiry_mid_flight_is_recovered(http, admin, fake, django_capture_on_commit_callbacks):
    first = create(http, admin, distributor_body()).json()
    approve(http, admin, first["id"], django_capture_on_commit_callbacks)
    fake.csrf_required_once()
    second = create(http, admin, distributor_body()).json()
    shown = approve(http, admin, second["id"], django_capture_on_commit_callbacks)
    assert shown["sync_status"] == "synced"
    assert len(fake.sim.partners) == 2


def test_changing_an_active_distributor_updates_its_partner(http, admin, sap, django_capture_on_commit_callbacks):
    distributor = create(http, admin, distributor_body()).json()
    shown = approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        changed = post(http, f"{BASE}/{distributor['id']}/suspend", None, **admin)
        assert changed.status_code == 200
    from tests.helpers import patch

    with django_capture_on_commit_callbacks(execute=True):
        patch(http, f"{BASE}/{distributor['id']}", {"legal_name": "Acme Renamed Limited"}, **admin)
    partner = sap.partners[shown["sap_business_partner_id"]]
    # Suspended, not active: nothing was pushed yet.
    assert partner["OrganizationBPName1"] != "Acme Renamed Limited"
    with django_capture_on_commit_callbacks(execute=True):
        post(http, f"{BASE}/{distributor['id']}/reactivate", None, **admin)
        patch(http, f"{BASE}/{distributor['id']}", {"trade_name": "Acme Renamed"}, **admin)
    assert sap.partners[shown["sap_business_partner_id"]]["OrganizationBPName1"] == "Acme Renamed Limited"
    assert len(sap.partners) == 1


def journal_entry(payment_id: str) -> SyncRecord:
    return bootstrap.container().erp.sync_records_find(kind=SyncKind.JOURNAL_ENTRY, object_ids=[payment_id])[payment_id]


def _confirm_payment(distributor_id: str, amount: str, capture) -> str:
    """What the payments context does when a distributor payment is confirmed."""
    payment_id = str(uuid.uuid4())
    with capture(execute=True), bootstrap.container().uow() as uow:
        bootstrap.container().erp.journal_entry_request(
            outbox=uow.outbox,
            payment_id=payment_id,
            distributor_id=distributor_id,
            amount=Money.parse(amount, "INR"),
            posted_on=date(2026, 4, 1),
        )
    return payment_id


def test_confirmed_payment_posts_one_journal_entry(http, admin, sap, django_capture_on_commit_callbacks):
    distributor = create(http, admin, distributor_body()).json()
    partner_id = approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)["sap_business_partner_id"]
    payment_id = _confirm_payment(distributor["id"], "1500.50", django_capture_on_commit_callbacks)
    record = journal_entry(payment_id)
    assert record.is_synced
    assert record.sap_id == "1010/0100000000/2026"
    [document] = sap.documents.values()
    assert [(line["DebitCreditCode"], line["AmountInTransactionCurrency"]) for line in document["lines"]] == [
        ("S", "1500.50"),
        ("H", "-1500.50"),
    ]
    assert document["lines"][1]["Customer"] == partner_id
    # Asked again (a replayed confirmation): still one entry, one document.
    with django_capture_on_commit_callbacks(execute=True), bootstrap.container().uow() as uow:
        bootstrap.container().erp.journal_entry_request(
            outbox=uow.outbox,
            payment_id=payment_id,
            distributor_id=distributor["id"],
            amount=Money.parse("1500.50", "INR"),
            posted_on=date(2026, 4, 1),
        )
    assert len(sap.documents) == 1
    assert_problem(post(http, RESYNC, {"kind": "journal_entry", "id": payment_id}, **admin), 409, "already_synced")
    listed = http.get(f"{SYNC}?kind=journal_entry", headers=admin).json()["items"]
    assert [(r["id"], r["sync_status"], r["sap_id"]) for r in listed] == [(payment_id, "synced", record.sap_id)]


def test_a_message_written_directly_by_payments_is_handled(http, admin, sap, django_capture_on_commit_callbacks):
    distributor = create(http, admin, distributor_body()).json()
    approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    payment_id = str(uuid.uuid4())
    payload = {
        "payment_id": payment_id,
        "distributor_id": distributor["id"],
        "amount_minor": 99900,
        "currency": "INR",
        "posted_on": "2026-04-02",
    }
    with django_capture_on_commit_callbacks(execute=True), bootstrap.container().uow() as uow:
        uow.outbox.add("erp.journal_entry.post", payload, dedupe_key=f"payment:{payment_id}:je")
    assert journal_entry(payment_id).is_synced
    with django_capture_on_commit_callbacks(execute=True), bootstrap.container().uow() as uow:
        uow.outbox.add("erp.journal_entry.post", {"payment_id": "broken"})
    assert OutboxMessage.objects.get(payload__payment_id="broken").status == OutboxMessage.Status.DEAD


def test_journal_entry_waits_for_the_partner_then_posts(http, admin, fake, django_capture_on_commit_callbacks):
    distributor = create(http, admin, distributor_body()).json()
    fake.mode = "down"
    approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    payment_id = _confirm_payment(distributor["id"], "10.00", django_capture_on_commit_callbacks)
    record = journal_entry(payment_id)
    assert record.status.value == "pending"
    assert "business partner" in record.last_error
    fake.mode = "up"
    assert redrive("erp.business_partner.upsert") == ["done"]
    assert redrive("erp.journal_entry.post") == ["done"]
    assert journal_entry(payment_id).is_synced
    assert len(fake.sim.documents) == 1


def test_erp_reconcile_reports_differences(http, admin, sap, django_capture_on_commit_callbacks):
    distributor = create(http, admin, distributor_body()).json()
    approve(http, admin, distributor["id"], django_capture_on_commit_callbacks)
    payments = [
        _confirm_payment(distributor["id"], amount, django_capture_on_commit_callbacks)
        for amount in ("10.00", "20.00", "30.00")
    ]
    out, err = io.StringIO(), io.StringIO()
    call_command("erp_reconcile", stdout=out, stderr=err)
    assert "matched          3" in out.getvalue()
    assert "No differences." in out.getvalue()
    assert "SAP documents [" in err.getvalue()
    assert "3/3" in err.getvalue()

    keys = sorted(sap.documents)
    sap.documents[keys[0]]["lines"][0]["AmountInTransactionCurrency"] = "11.00"
    lost = sap.documents.pop(keys[1])
    stranger = dict(lost, lines=[dict(line, AccountingDocument="0100000099") for line in lost["lines"]])
    sap.documents[("1010", "0100000099", "2026")] = stranger
    stranger["lines"][0]["DocumentReferenceID"] = "PPFOREIGN"
    out = io.StringIO()
    call_command("erp_reconcile", "--no-progress", stdout=out)
    report = out.getvalue()
    assert "amount_mismatch  1" in report
    assert "missing_in_sap   1" in report
    assert "unknown_in_ours  1" in report
    assert payments[0] in report
    assert payments[1] in report
    assert "1010/0100000099/2026" in report
    with pytest.raises(Exception, match="difference"):
        call_command("erp_reconcile", "--no-progress", "--strict", stdout=io.StringIO())


def test_erp_admin_routes_are_admin_only_and_validate(http, admin):
    merchant = bearer(register(http, "merchant")["access"])
    assert_problem(http.get(SYNC, headers=merchant), 403, "forbidden")
    assert_problem(post(http, RESYNC, {"kind": "business_partner", "id": "x"}, **merchant), 403, "forbidden")
    assert_problem(post(http, RESYNC, {"kind": "invoice", "id": "x"}, **admin), 422, "validation_error")
    assert_problem(post(http, RESYNC, {"kind": "business_partner", "id": "x"}, **admin), 404, "not_found")
    assert_problem(http.get(f"{SYNC}?status=lost", headers=admin), 422, "validation_error")
    assert_problem(http.get(f"{SYNC}?cursor=zzz", headers=admin), 422, "invalid_cursor")


def test_the_simulator_speaks_sap_over_http(http, sap):
    import base64

    from django.conf import settings

    root = "/simulators/sap/sap/opu/odata/sap/API_BUSINESS_PARTNER/"
    assert http.get(root).status_code == 401
    auth = {
        "Authorization": "Basic "
        + base64.b64encode(f"{settings.SAP_USERNAME}:{settings.SAP_PASSWORD}".encode()).decode()
    }
    fetched = http.get(root, headers={**auth, "X-CSRF-Token": "Fetch"})
    assert fetched.status_code == 200
    assert fetched.json()["d"]["EntitySets"]
    token = fetched["X-CSRF-Token"]
    refused = http.post(f"{root}A_BusinessPartner", data="{}", content_type="application/json", headers=auth)
    assert refused.status_code == 403
    assert refused["X-CSRF-Token"] == "Required"
    created = http.post(
        f"{root}A_BusinessPartner",
        data='{"BusinessPartnerCategory": "2", "OrganizationBPName1": "Direct"}',
        content_type="application/json",
        headers={**auth, "X-CSRF-Token": token},
    )
    assert created.status_code == 201, created.content
    assert created.json()["d"]["BusinessPartner"] in sap.partners


def test_sync_records_page_newest_first(http, admin):
    ids = []
    for _ in range(3):
        distributor = create(http, admin, distributor_body()).json()
        post(http, f"{BASE}/{distributor['id']}/approve", None, **admin)
        ids.append(distributor["id"])
    first = http.get(f"{SYNC}?limit=2&status=pending", headers=admin).json()
    second = http.get(f"{SYNC}?limit=2&status=pending&cursor={first['next_cursor']}", headers=admin).json()
    assert [r["id"] for r in first["items"] + second["items"]] == list(reversed(ids))
    assert second["next_cursor"] is None
