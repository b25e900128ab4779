"""A refund of a distributor payment posts a reversal journal entry to SAP (issue #13), end to end.

The payment is recorded and confirmed through the HTTP API (its journal entry is posted through the
simulator). ``refund.succeeded`` is built here exactly as the event contract describes it (the
refund view with ``kind``, the payment and order views) from the stored ``payment.captured`` and
published through the real event log and outbox; the subscriber and the SAP message then run as
the worker runs them, and the adapter talks SOAP/OData to the simulator.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command

from domain.erp.journal_entry import document_reference_for
from tests.e2e.distributors.test_distributor_payments import _active
from tests.e2e.distributors.test_sap_sync import redrive
from tests.helpers import post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distributors"


def confirmed_payment(http, admin, capture, amount: str = "25000.00") -> tuple[dict[str, Any], dict[str, Any]]:
    distributor = _active(http, admin, capture)
    body = {"amount": amount, "method": "bank_transfer", "reference": "UTR42"}
    response = post(http, f"{BASE}/{distributor['id']}/payments", body, **admin)
    assert response.status_code == 201, response.content
    recorded = response.json()
    with capture(execute=True):
        confirmed = post(http, f"/api/v1/payments/{recorded['payment']['id']}/confirm", {}, **admin)
    assert confirmed.json()["status"] == "captured"
    redrive("event.erp_journal")
    redrive("erp.journal_entry.post")
    return distributor, recorded["payment"]


def refund_succeeded(payment_id: str, amount: str, *, kind: str = "refund", refund_id: str | None = None) -> str:
    """Publishes ``refund.succeeded`` for the payment; returns the refund id."""
    from adapters.django_orm.platform.models import EventRecord
    from domain.shared.events import DomainEvent
    from entrypoints.bootstrap import container

    captured = EventRecord.objects.get(type="payment.captured", data__object__id=payment_id)
    payment, order = captured.data["object"], captured.data["order"]
    refund_id = refund_id or str(uuid.uuid4())
    refund = {
        "id": refund_id,
        "object": "refund",
        "payment_id": payment_id,
        "order_id": order["id"],
        "amount": amount,
        "currency": payment["currency"],
        "status": "succeeded",
        "reason": "returned goods",
        "failure_message": None,
        "created_at": captured.created_at.isoformat(),
        "kind": kind,
        "reversed": False,
    }
    data = {"object": refund, "payment": {**payment, "amount_refunded": amount}, "order": order}
    built = container()
    with built.uow() as uow:
        built.events_publish(uow.outbox, [DomainEvent("refund.succeeded", data)], owner_id=captured.owner_id)
    return refund_id


def run_reversals() -> None:
    redrive("event.erp_journal_reversal")
    redrive("erp.journal_reversal.post")


def test_a_refund_posts_the_reversed_entry_once(http, admin, sap, django_capture_on_commit_callbacks):
    from adapters.django_orm.erp.models import ErpSyncRecord

    distributor, payment = confirmed_payment(http, admin, django_capture_on_commit_callbacks)
    entry = ErpSyncRecord.objects.get(kind="journal_entry", object_id=payment["id"])
    refund_id = refund_succeeded(payment["id"], "10000.00")
    run_reversals()

    record = ErpSyncRecord.objects.get(kind="journal_reversal", object_id=refund_id)
    assert record.status == "synced", record.last_error
    assert record.sap_id != entry.sap_id
    company, number, year = record.sap_id.split("/")
    document = sap.documents[(company, number, year)]
    # SOAP MessageHeader/ID: the refund's UUID without hyphens (32 characters, SAP allows 35).
    assert document["message_id"] == refund_id.replace("-", "")
    assert document["references"] == {
        "Reference1InDocumentHeader": document_reference_for(payment["id"]),
        "Reference2InDocumentHeader": entry.sap_id,
    }
    bank, customer = document["lines"]
    original_bank, original_customer = sap.documents[tuple(entry.sap_id.split("/"))]["lines"]
    assert (bank["GLAccount"], bank["DebitCreditCode"], bank["AmountInTransactionCurrency"]) == (
        original_bank["GLAccount"],
        "H",
        "-10000.00",
    )
    assert (customer["Customer"], customer["DebitCreditCode"], customer["AmountInTransactionCurrency"]) == (
        original_customer["Customer"],
        "S",
        "10000.00",
    )
    assert (
        customer["Customer"] == http.get(f"{BASE}/{distributor['id']}", headers=admin).json()["sap_business_partner_id"]
    )
    assert bank["DocumentReferenceID"] == document_reference_for(refund_id)

    # Visible to admins like any sync record.
    listed = http.get("/api/v1/admin/erp/sync?kind=journal_reversal", headers=admin).json()["items"]
    assert [(r["id"], r["sync_status"], r["sap_id"]) for r in listed] == [(refund_id, "synced", record.sap_id)]
    # The same refund published again (a replay upstream) posts nothing new.
    refund_succeeded(payment["id"], "10000.00", refund_id=refund_id)
    run_reversals()
    assert len(sap.documents) == 2
    # Posted entries are not resynced.
    conflict = post(http, "/api/v1/admin/erp/resync", {"kind": "journal_reversal", "id": refund_id}, **admin)
    assert conflict.status_code == 409

    # Reconciliation matches the reversal as a credit and nets it.
    out = io.StringIO()
    call_command("erp_reconcile", "--no-progress", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["records"], report["reversals"], report["matched"], report["differences"]) == (2, 1, 2, [])
    assert report["net_ours"] == report["net_sap"] == {"INR": "15000.00"}
    text = io.StringIO()
    call_command("erp_reconcile", "--no-progress", stdout=text)
    assert "No differences." in text.getvalue()
    assert "net INR          ours 15000.00, SAP 15000.00" in text.getvalue()


def test_returns_and_other_orders_post_nothing(http, admin, sap, django_capture_on_commit_callbacks):
    from adapters.django_orm.erp.models import ErpSyncRecord

    _, payment = confirmed_payment(http, admin, django_capture_on_commit_callbacks)
    refund_succeeded(payment["id"], "500.00", kind="return")
    run_reversals()
    assert not ErpSyncRecord.objects.filter(kind="journal_reversal").exists()
    assert len(sap.documents) == 1


def test_a_reversal_retries_while_sap_is_down_and_resync_restarts_it(
    http, admin, sap, django_capture_on_commit_callbacks, settings
):
    from adapters.django_orm.erp.models import ErpSyncRecord
    from adapters.django_orm.platform.models import OutboxMessage
    from adapters.gateways.sap import SapConfig
    from entrypoints import bootstrap
    from entrypoints.bootstrap import erp
    from tests.e2e.distributors.conftest import DjangoTransport, simulator_gateway

    _, payment = confirmed_payment(http, admin, django_capture_on_commit_callbacks)
    refund_id = refund_succeeded(payment["id"], "2500.00")
    # SAP refuses our communication user for a while (an outage for us: retried, never final).
    locked_out = SapConfig(
        base_url="http://testserver/simulators/sap",
        username=settings.SAP_USERNAME,
        password="not-the-password",
        company_code=settings.SAP_COMPANY_CODE,
        bank_gl_account=settings.SAP_BANK_GL_ACCOUNT,
    )
    bootstrap.container().erp.gateway = erp.build_gateway(transport=DjangoTransport(), config=locked_out)
    run_reversals()
    record = ErpSyncRecord.objects.get(kind="journal_reversal", object_id=refund_id)
    assert (record.status, record.attempts) == ("pending", 1)
    assert record.last_error
    message = OutboxMessage.objects.get(topic="erp.journal_reversal.post")
    assert message.status == OutboxMessage.Status.PENDING
    # SAP is back: the retry posts it.
    bootstrap.container().erp.gateway = simulator_gateway()
    redrive("erp.journal_reversal.post")
    record.refresh_from_db()
    assert record.status == "synced", record.last_error
    assert len(sap.documents) == 2
