"""Seed 003 end to end through HTTP: apply, approve, refer, earn, invoice, pay out, claw back."""

from __future__ import annotations

import pytest

from tests.e2e.earnings.conftest import admin_headers, approve_all, approved_reseller, drive_outbox, referred_merchant
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import assert_problem, bearer, patch, post, register

pytestmark = pytest.mark.django_db


def _period() -> str:
    from django.utils import timezone

    return timezone.now().strftime("%Y-%m")


def test_reseller_application_and_referral_codes(http):
    admin = admin_headers(http)
    session = register(http, "reseller")
    headers = bearer(session["access"])
    assert_problem(http.get("/api/v1/resellers/me", headers=headers), 404, "reseller_not_found")
    applied = post(http, "/api/v1/resellers", {"business_name": "Ravi Resells", "pitch": "Kirana stores"}, **headers)
    assert applied.status_code == 201, applied.content
    reseller = applied.json()
    assert reseller["status"] == "pending"
    code = reseller["referral_code"]
    assert len(code) == 8
    assert code.isalnum()
    assert code.upper() == code
    assert_problem(post(http, "/api/v1/resellers", {"business_name": "again"}, **headers), 409, "already_applied")
    # Only approved resellers' codes are known at sign-up.
    refused = post(
        http,
        "/api/v1/auth/register",
        {"email": "m-early@example.com", "password": "a-long-enough-passphrase-42", "role": "merchant",
         "referral_code": code},
        REMOTE_ADDR="10.77.0.1",
    )  # fmt: skip
    assert_problem(refused, 422, "unknown_referral_code")
    # Admin only.
    assert_problem(post(http, f"/api/v1/resellers/{reseller['id']}/approve", {}, **headers), 403, "forbidden")
    listed = http.get("/api/v1/resellers?status=pending", headers=admin).json()
    assert reseller["id"] in [r["id"] for r in listed["items"]]
    approved = post(http, f"/api/v1/resellers/{reseller['id']}/approve", {}, **admin)
    assert approved.json()["status"] == "approved"
    assert approved.json()["tier"] == "bronze"
    assert_problem(
        post(http, f"/api/v1/resellers/{reseller['id']}/approve", {}, **admin), 409, "invalid_reseller_transition"
    )
    updated = patch(http, "/api/v1/resellers/me", {"website": "https://ravi.example"}, **headers)
    assert updated.status_code == 200
    assert updated.json()["website"] == "https://ravi.example"
    # Codes are case-insensitive at sign-up, and the attribution is recorded from the registration event.
    merchant = referred_merchant(http, code.lower())
    assert merchant["user"]["referred_by_code"] == code
    drive_outbox()
    referrals = http.get("/api/v1/resellers/me/referrals", headers=headers).json()
    assert [(r["account_id"], r["role"]) for r in referrals["items"]] == [(merchant["user"]["id"], "merchant")]
    assert_problem(http.get("/api/v1/resellers/me", headers=merchant["headers"]), 403, "forbidden")


def test_reject_needs_a_reason_and_a_rejected_applicant_may_reapply(http):
    admin = admin_headers(http)
    session = register(http, "reseller")
    headers = bearer(session["access"])
    reseller = post(http, "/api/v1/resellers", {"business_name": "Shady"}, **headers).json()
    assert post(http, f"/api/v1/resellers/{reseller['id']}/reject", {}, **admin).status_code == 422
    rejected = post(http, f"/api/v1/resellers/{reseller['id']}/reject", {"reason": "No KYC"}, **admin)
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "No KYC"
    again = post(http, "/api/v1/resellers", {"business_name": "Shady, with KYC"}, **headers)
    assert again.status_code == 201
    assert again.json()["status"] == "pending"
    assert again.json()["referral_code"] == reseller["referral_code"]


def test_card_payment_of_a_referred_merchant_earns_a_commission(http):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    order = create_order(http, merchant, amount="1000.00")
    payment = pay_card(http, merchant, order["id"])
    assert payment.status_code == 201
    assert payment.json()["status"] == "captured"
    drive_outbox()
    page = http.get("/api/v1/commissions", headers=reseller["headers"]).json()
    assert len(page["items"]) == 1
    commission = page["items"][0]
    assert commission["payment_id"] == payment.json()["id"]
    assert commission["status"] == "pending"
    assert (commission["tier"], commission["commission_rate"], commission["bonus_rate"]) == ("bronze", "10.00", "0.00")
    assert (commission["sale_amount"], commission["amount"], commission["currency"]) == ("1000.00", "100.00", "INR")
    # A replayed payment.captured creates nothing (one commission per payment, also in the database).
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints.bootstrap import container

    # As if the worker died after the handler committed but before the message was marked done.
    message = OutboxMessage.objects.get(topic="event.earnings")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.PENDING)
    assert container().process_outbox_message(str(message.id)).status == "done"
    assert len(http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"]) == 1
    # A merchant that came without a code earns nobody anything.
    direct = register(http, "merchant")
    direct["headers"] = {"X-API-Key": direct["api_key"]}
    pay_card(http, direct, create_order(http, direct, amount="50.00")["id"])
    drive_outbox()
    assert len(http.get("/api/v1/commissions", headers=admin).json()["items"]) == 1


def test_commission_through_on_commit_dispatch(http, django_capture_on_commit_callbacks):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    with django_capture_on_commit_callbacks(execute=True):
        merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
        order = create_order(http, merchant, amount="200.00")
        pay_card(http, merchant, order["id"])
    items = http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"]
    assert [c["amount"] for c in items] == ["20.00"]


def test_approval_invoice_payout_and_clawback(http):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    headers = reseller["headers"]
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    small = pay_card(http, merchant, create_order(http, merchant, amount="1000.00")["id"]).json()
    drive_outbox()
    big = pay_card(http, merchant, create_order(http, merchant, amount="20000.00")["id"]).json()
    drive_outbox()
    commissions = http.get("/api/v1/commissions", headers=admin).json()["items"]
    by_payment = {c["payment_id"]: c for c in commissions}
    assert by_payment[big["id"]]["amount"] == "2000.00"
    # Approving a rejected commission is a conflict.
    rejected = post(http, f"/api/v1/commissions/{by_payment[small['id']]['id']}/reject", {"reason": "test"}, **admin)
    assert rejected.json()["status"] == "rejected"
    assert_problem(
        post(http, f"/api/v1/commissions/{by_payment[small['id']]['id']}/approve", {}, **admin),
        409,
        "commission_rejected",
    )
    assert post(http, f"/api/v1/commissions/{by_payment[big['id']]['id']}/approve", {}, **headers).status_code == 403
    approve_all(http, admin)
    # Invoice the month: numbered, PDF rendered in the background.
    issued = post(http, "/api/v1/reseller-invoices", {"period": _period()}, **headers)
    assert issued.status_code == 201, issued.content
    invoice = issued.json()
    assert invoice["number"] == f"INV-{_period().replace('-', '')}-0001"
    assert (invoice["total"], len(invoice["lines"]), invoice["pdf_ready"]) == ("2000.00", 1, False)
    assert_problem(
        http.get(f"/api/v1/reseller-invoices/{invoice['id']}/pdf", headers=headers), 409, "invoice_not_ready"
    )
    assert_problem(post(http, "/api/v1/reseller-invoices", {"period": _period()}, **headers), 409, "nothing_to_invoice")
    drive_outbox()
    pdf = http.get(f"/api/v1/reseller-invoices/{invoice['id']}/pdf", headers=headers)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert http.get(f"/api/v1/reseller-invoices/{invoice['id']}", headers=headers).json()["pdf_ready"] is True
    assert [i["number"] for i in http.get("/api/v1/reseller-invoices", headers=headers).json()["items"]] == [
        invoice["number"]
    ]
    # Payouts: at least the minimum (500.00), at most the balance (2000.00).
    body = {"method": "upi", "destination": "ravi@okhdfc"}
    for amount in ["499.99", "2000.01"]:
        assert_problem(
            post(http, "/api/v1/payouts", {**body, "amount": amount}, **headers), 422, "insufficient_balance"
        )
    first = post(http, "/api/v1/payouts", {**body, "amount": "1000.00"}, **headers)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "requested"
    assert_problem(post(http, "/api/v1/payouts", {**body, "amount": "1000.01"}, **headers), 422, "insufficient_balance")
    approved = post(http, f"/api/v1/payouts/{first.json()['id']}/approve", {}, **admin)
    assert approved.json()["status"] == "approved"
    drive_outbox()
    done = http.get(f"/api/v1/payouts/{first.json()['id']}", headers=headers).json()
    assert done["status"] == "completed"
    assert done["reference"].startswith("sbx_po_")
    # A failing destination fails with a reason and gives the money back.
    failing = post(http, "/api/v1/payouts", {"method": "upi", "destination": "fail@upi", "amount": "500.00"}, **headers)
    post(http, f"/api/v1/payouts/{failing.json()['id']}/approve", {}, **admin)
    drive_outbox()
    failed = http.get(f"/api/v1/payouts/{failing.json()['id']}", headers=headers).json()
    assert failed["status"] == "failed"
    assert failed["failure_reason"]
    stats = http.get("/api/v1/resellers/me/stats", headers=headers).json()
    assert stats["balance"]["available"] == "1000.00"
    # Paid in full now: the invoice and its commission are paid.
    last = post(http, "/api/v1/payouts", {**body, "amount": "1000.00"}, **headers).json()
    post(http, f"/api/v1/payouts/{last['id']}/approve", {}, **admin)
    drive_outbox()
    assert http.get(f"/api/v1/reseller-invoices/{invoice['id']}", headers=headers).json()["status"] == "paid"
    assert http.get(f"/api/v1/commissions/{by_payment[big['id']]['id']}", headers=headers).json()["status"] == "paid"
    # A refund after payout claws back proportionally, against the next payout.
    refund = post(http, "/api/v1/refunds", {"payment_id": big["id"], "amount": "5000.00"}, **merchant["headers"])
    assert refund.status_code == 201, refund.content
    drive_outbox()
    clawbacks = http.get("/api/v1/commissions?kind=clawback", headers=headers).json()["items"]
    assert [(c["amount"], c["status"]) for c in clawbacks] == [("-500.00", "approved")]
    stats = http.get("/api/v1/resellers/me/stats", headers=headers).json()
    assert stats["balance"]["available"] == "-500.00"
    assert stats["balance"]["clawbacks"] == "500.00"
    assert stats["tier"]["name"] == "gold"  # 1000 (rejected, not counted) + 20000 - 5000 refunded = 15000
    assert stats["next_tier"] == {"name": "platinum", "min_sales": "50000.00"}
    assert stats["sales_to_next_tier"] == "35000.00"
    assert stats["commissions_by_status"]["paid"] == {"count": 1, "amount": "2000.00"}
    assert stats["commissions_by_status"]["rejected"]["count"] == 1
    assert len(stats["earnings_by_month"]) == 12
    assert stats["earnings_by_month"][-1] == {"month": _period(), "amount": "1500.00"}
    assert stats["referrals"] == 1
    actions = {
        e["action"] for e in http.get("/api/v1/resellers/me/activity?limit=100", headers=headers).json()["items"]
    }
    assert {
        "reseller.applied", "reseller.approved", "referral.attributed", "commission.created", "commission.approved",
        "commission.rejected", "commission.invoiced", "invoice.issued", "payout.requested", "payout.approved",
        "payout.processing", "payout.completed", "payout.failed", "commission.paid", "invoice.paid",
        "commission.clawback", "tier.changed",
    } <= actions  # fmt: skip


def test_refund_before_payout_shrinks_the_commission(http):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    payment = pay_card(http, merchant, create_order(http, merchant, amount="999.99")["id"]).json()
    drive_outbox()
    post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "333.33"}, **merchant["headers"])
    drive_outbox()
    [commission] = http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"]
    # 10 % of 999.99 = 99.999 -> 99.99; a third refunded: floor(9999 x 33333 / 99999) = 3333 taken back.
    assert (commission["original_amount"], commission["clawed_back"], commission["amount"]) == (
        "99.99",
        "33.33",
        "66.66",
    )
    assert commission["refunded_sale_amount"] == "333.33"


def test_other_resellers_objects_are_not_found(http):
    admin = admin_headers(http)
    owner = approved_reseller(http, admin, "Owner")
    other = approved_reseller(http, admin, "Other")
    merchant = referred_merchant(http, owner["reseller"]["referral_code"])
    pay_card(http, merchant, create_order(http, merchant, amount="10000.00")["id"])
    drive_outbox()
    approve_all(http, admin)
    [commission] = http.get("/api/v1/commissions", headers=owner["headers"]).json()["items"]
    invoice = post(http, "/api/v1/reseller-invoices", {"period": _period()}, **owner["headers"]).json()
    payout = post(
        http, "/api/v1/payouts", {"amount": "500.00", "method": "bank_transfer", "destination": "HDFC0001234:5010001"},
        **owner["headers"],
    ).json()  # fmt: skip
    for path in (
        f"/api/v1/commissions/{commission['id']}",
        f"/api/v1/reseller-invoices/{invoice['id']}",
        f"/api/v1/reseller-invoices/{invoice['id']}/pdf",
        f"/api/v1/payouts/{payout['id']}",
        "/api/v1/commissions/not-a-uuid",
    ):
        assert_problem(http.get(path, headers=other["headers"]), 404, "not_found")
    assert http.get("/api/v1/commissions", headers=other["headers"]).json()["items"] == []
    assert http.get("/api/v1/payouts", headers=other["headers"]).json()["items"] == []
    # Admins see everything, and invoice for a named reseller.
    assert http.get(f"/api/v1/payouts/{payout['id']}", headers=admin).status_code == 200
    assert_problem(post(http, "/api/v1/reseller-invoices", {"period": _period()}, **admin), 422, "reseller_required")
    merchants_view = http.get("/api/v1/commissions", headers=merchant["headers"])
    assert_problem(merchants_view, 403, "forbidden")


def test_bad_input_never_500(http):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    headers = reseller["headers"]
    cases = [
        ("/api/v1/payouts", {"amount": "12.345", "method": "upi", "destination": "ab@upi"}, 422),
        ("/api/v1/payouts", {"amount": "500.00", "method": "paypal", "destination": "ab@upi"}, 422),
        ("/api/v1/payouts", {"amount": "500.00", "method": "upi", "destination": "not a vpa"}, 422),
        ("/api/v1/payouts", {"amount": 500.0, "method": "upi", "destination": "ab@upi"}, 422),
        ("/api/v1/reseller-invoices", {"period": "2026-13"}, 422),
        ("/api/v1/reseller-invoices", {"period": "2099-01"}, 422),
        ("/api/v1/leads", {"name": ""}, 422),
        ("/api/v1/resellers", {"business_name": "x", "extra": 1}, 422),
    ]
    for path, body, status in cases:
        response = post(http, path, body, **headers)
        assert response.status_code == status, (path, body, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
    assert http.get("/api/v1/commissions?period=nope", headers=headers).status_code == 422
    assert http.get("/api/v1/commissions?status=nope", headers=headers).status_code == 422
    # A pending reseller cannot ask for money yet.
    pending = register(http, "reseller")
    pending_headers = bearer(pending["access"])
    post(http, "/api/v1/resellers", {"business_name": "Later"}, **pending_headers)
    response = post(
        http, "/api/v1/payouts", {"amount": "500.00", "method": "upi", "destination": "ab@upi"}, **pending_headers
    )
    assert_problem(response, 403, "reseller_not_approved")


def test_leads_pipeline_and_summary(http):
    admin = admin_headers(http)
    reseller = approved_reseller(http, admin)
    headers = reseller["headers"]
    created = post(http, "/api/v1/leads", {"name": "Acme Stores", "email": "buy@acme.example"}, **headers)
    assert created.status_code == 201
    lead = created.json()
    assert lead["status"] == "new"
    assert_problem(patch(http, f"/api/v1/leads/{lead['id']}", {"status": "converted"}, **headers), 409,
                   "invalid_lead_transition")  # fmt: skip
    for status in ("contacted", "qualified", "converted"):
        moved = patch(http, f"/api/v1/leads/{lead['id']}", {"status": status}, **headers)
        assert moved.status_code == 200, moved.content
        assert moved.json()["status"] == status
    lost = post(http, "/api/v1/leads", {"name": "Gone Ltd"}, **headers).json()
    patched = patch(http, f"/api/v1/leads/{lost['id']}", {"status": "lost", "lost_reason": "Chose a rival"}, **headers)
    assert patched.json()["lost_reason"] == "Chose a rival"
    post(http, "/api/v1/leads", {"name": "Fresh"}, **headers)
    summary = http.get("/api/v1/leads/summary", headers=headers).json()
    assert summary == {
        "total": 3,
        "leads_by_status": {"new": 1, "contacted": 0, "qualified": 0, "converted": 1, "lost": 1},
    }
    assert [x["name"] for x in http.get("/api/v1/leads?status=new", headers=headers).json()["items"]] == ["Fresh"]
    other = approved_reseller(http, admin, "Other")
    assert_problem(http.get(f"/api/v1/leads/{lead['id']}", headers=other["headers"]), 404, "not_found")
    assert http.get(f"/api/v1/leads/{lead['id']}", headers=admin).status_code == 200


def test_tier_table_is_configuration(http):
    admin = admin_headers(http)
    table = http.get("/api/v1/admin/earnings/tiers", headers=admin).json()
    assert table["currency"] == "INR"
    assert [(t["name"], t["min_sales"], t["commission_rate"], t["bonus_rate"], t["effective_rate"]) for t in
            table["tiers"]] == [
        ("bronze", "0.00", "10.00", "0.00", "10.00"),
        ("silver", "5000.00", "15.00", "5.00", "15.75"),
        ("gold", "15000.00", "20.00", "10.00", "22.00"),
        ("platinum", "50000.00", "25.00", "15.00", "28.75"),
    ]  # fmt: skip
    reseller = approved_reseller(http, admin)
    assert http.get("/api/v1/admin/earnings/tiers", headers=reseller["headers"]).status_code == 403
    body = {
        "tiers": [
            {"name": "starter", "min_sales": "0", "commission_rate": "12.5", "bonus_rate": "0"},
            {"name": "pro", "min_sales": "1000.00", "commission_rate": "20", "bonus_rate": "10"},
        ]
    }
    replaced = http.put("/api/v1/admin/earnings/tiers", data=body, content_type="application/json", headers=admin)
    assert replaced.status_code == 200, replaced.content
    assert [t["name"] for t in replaced.json()["tiers"]] == ["starter", "pro"]
    bad = {"tiers": [{"name": "pro", "min_sales": "1000.00", "commission_rate": "20"}]}
    refused = http.put("/api/v1/admin/earnings/tiers", data=bad, content_type="application/json", headers=admin)
    assert_problem(refused, 422, "invalid_tier")
    # New sales earn at the new table's rates.
    merchant = referred_merchant(http, reseller["reseller"]["referral_code"])
    pay_card(http, merchant, create_order(http, merchant, amount="100.00")["id"])
    drive_outbox()
    [commission] = http.get("/api/v1/commissions", headers=reseller["headers"]).json()["items"]
    assert (commission["tier"], commission["amount"]) == ("starter", "12.50")
