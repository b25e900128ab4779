from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.gateways.conftest import (
    CF_CLIENT_ID,
    CF_SECRET,
    cashfree_payment_body,
    cashfree_signature,
    create_order,
    inbound_events,
    now_ms,
    order_state,
    outbox_rows,
    pay,
    payment_state,
    post_cashfree,
)
from tests.helpers import admin_token, assert_problem, bearer, post, run_outbox

pytestmark = pytest.mark.django_db


def _cashfree_payment(http, merchant, amount: str = "100.50", currency: str = "INR") -> tuple[dict, dict]:
    order = create_order(http, merchant, amount=amount, currency=currency)
    return order, pay(http, merchant, order["id"], "cashfree", customer={"email": "buyer@example.com"})


# --- creating the Cashfree order ------------------------------------------------------------------


def test_payment_creates_a_cashfree_order_with_the_documented_headers_and_body(http, merchant, providers):
    order, payment = _cashfree_payment(http, merchant)
    assert payment["status"] == "pending"
    assert payment["gateway_reference"] == payment["id"]
    assert payment["checkout"] == {
        "payment_session_id": payment["checkout"]["payment_session_id"],
        "cf_order_id": "2149460581",
        "environment": "sandbox",
    }
    assert payment["checkout"]["payment_session_id"].startswith("session_")
    [sent] = providers.seen("POST", "/pg/orders")
    assert sent.headers["x-client-id"] == CF_CLIENT_ID
    assert sent.headers["x-client-secret"] == CF_SECRET
    assert sent.headers["x-api-version"] == "2023-08-01"
    assert sent.headers["x-idempotency-key"] == payment["id"]
    assert b'"order_amount":100.50' in sent.body  # a JSON number with its exact digits, never a float
    body = sent.json()
    assert body["order_id"] == payment["id"]
    assert body["order_currency"] == "INR"
    assert body["order_tags"] == {"partnerpay_order_id": order["id"]}
    assert body["customer_details"]["customer_email"] == "buyer@example.com"
    assert body["order_meta"]["notify_url"] == "http://testserver/api/v1/webhooks/cashfree"
    # The checkout window is ours (HOSTED_CHECKOUT_TTL_SECONDS), not Cashfree's 30-day default.
    expiry = datetime.fromisoformat(body["order_expiry_time"].replace("Z", "+00:00"))
    assert timedelta(minutes=29) < expiry - datetime.now(UTC) <= timedelta(minutes=30)
    assert (
        body["order_meta"]["return_url"]
        == f"http://testserver/api/v1/gateways/cashfree/return?order_id={payment['id']}"
    )


def test_a_refused_cashfree_order_fails_the_payment_with_the_reason(http, merchant, providers):
    providers.state.cashfree_order_error = (400, {"message": "order_currency : invalid", "code": "x", "type": "y"})
    _, payment = _cashfree_payment(http, merchant)
    assert payment["status"] == "failed"
    assert payment["failure_code"] == "gateway_rejected"
    assert "order_currency : invalid" in payment["failure_message"]


def test_cashfree_down_at_creation_fails_the_payment_after_retrying(http, merchant, providers):
    providers.state.down = True
    _, payment = _cashfree_payment(http, merchant)
    assert payment["status"] == "failed"
    assert payment["failure_code"] == "gateway_unavailable"
    # POST with x-idempotency-key is safe to repeat: first try plus two retries, one key.
    attempts = providers.seen("POST", "/pg/orders")
    assert len(attempts) == 3
    assert {a.headers["x-idempotency-key"] for a in attempts} == {payment["id"]}


# --- webhooks ---------------------------------------------------------------------------------


def test_success_webhook_captures_the_payment_and_pays_the_order(http, merchant, providers):
    order, payment = _cashfree_payment(http, merchant)
    response = post_cashfree(http, cashfree_payment_body(payment["id"], amount="100.50"))
    assert response.status_code == 200, response.content
    ack = response.json()
    assert ack["status"] == "processed"
    assert ack["outcome"] == "payment_captured"
    assert ack["duplicate"] is False
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    assert order_state(http, merchant, order["id"])["status"] == "paid"
    [event] = inbound_events(source="cashfree")
    assert event.signature_valid is True
    assert event.status == "processed"
    assert event.payment_id == payment["id"]
    assert event.headers["x-webhook-version"] == "2023-08-01"
    assert '"payment_amount":100.50' in event.body  # stored raw, as received


def test_signature_covers_the_raw_bytes_so_trailing_zeros_matter(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant, amount="170.00")
    raw = cashfree_payment_body(payment["id"], amount="170.00")
    timestamp = now_ms()
    signature = cashfree_signature(raw, timestamp)
    reserialised = json.dumps(json.loads(raw)).encode()  # 170.00 becomes 170.0: not what Cashfree signed
    assert post_cashfree(http, reserialised, timestamp=timestamp, signature=signature).status_code == 401
    assert post_cashfree(http, raw, timestamp=timestamp, signature=signature).status_code == 200
    assert payment_state(http, merchant, payment["id"])["amount_captured"] == "170.00"


def test_duplicate_webhook_acts_once_and_still_answers_200(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    body = cashfree_payment_body(payment["id"], cf_payment_id="5114910299")
    first = post_cashfree(http, body)
    second = post_cashfree(http, body, headers={"x-webhook-attempt": "2"})
    assert first.status_code == second.status_code == 200
    assert second.json()["duplicate"] is True
    [event] = inbound_events(source="cashfree")
    assert event.deliveries == 2
    assert event.attempts == 1
    assert len(outbox_rows()) == 1
    stats = http.get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert stats["successful_payments"] == 1


@pytest.mark.parametrize(
    ("case", "headers"),
    [
        ("wrong secret", {"secret": "not-the-secret"}),
        ("garbage signature", {"signature": "bm90IGEgc2lnbmF0dXJl"}),
        ("empty signature", {"signature": ""}),
    ],
)
def test_bad_signature_is_401_changes_nothing_and_is_logged(http, merchant, providers, case, headers):
    order, payment = _cashfree_payment(http, merchant)
    response = post_cashfree(http, cashfree_payment_body(payment["id"]), **headers)
    body = assert_problem(response, 401, "invalid_signature")
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    assert order_state(http, merchant, order["id"])["status"] == "created"
    [event] = inbound_events(source="cashfree")
    assert str(event.id) == body["inbound_event_id"]
    assert event.signature_valid is False
    assert event.status == "rejected"
    assert outbox_rows() == []


def test_missing_signature_headers_are_401_and_logged(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    response = http.post(
        "/api/v1/webhooks/cashfree", data=cashfree_payment_body(payment["id"]), content_type="application/json"
    )
    assert_problem(response, 401, "invalid_signature")
    assert inbound_events(source="cashfree", signature_valid=False)


@pytest.mark.parametrize("offset_ms", [-6 * 60 * 1000, 6 * 60 * 1000])
def test_stale_or_future_timestamp_is_401(http, merchant, providers, offset_ms):
    import time

    _, payment = _cashfree_payment(http, merchant)
    timestamp = str(int(time.time() * 1000) + offset_ms)
    response = post_cashfree(http, cashfree_payment_body(payment["id"]), timestamp=timestamp)
    assert_problem(response, 401, "invalid_signature")
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    [event] = inbound_events(source="cashfree")
    assert "5 minutes" in event.error


def test_a_forged_event_cannot_block_the_genuine_one(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    body = cashfree_payment_body(payment["id"], cf_payment_id="777")
    assert post_cashfree(http, body, secret="forger").status_code == 401
    assert post_cashfree(http, body).status_code == 200
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"


def test_unknown_order_is_404_and_logged(http, merchant, providers):
    response = post_cashfree(http, cashfree_payment_body("3fa85f64-5717-4562-b3fc-2c963f66afa6"))
    body = assert_problem(response, 404, "unknown_payment")
    [event] = inbound_events(source="cashfree")
    assert str(event.id) == body["inbound_event_id"]
    assert event.status == "unmatched"
    assert event.signature_valid is True
    # Cashfree retries a 404: the retry is heard, not swallowed as a duplicate.
    assert post_cashfree(http, cashfree_payment_body("3fa85f64-5717-4562-b3fc-2c963f66afa6")).status_code == 404
    assert len(inbound_events(source="cashfree")) == 2


@pytest.mark.parametrize(
    ("amount", "currency", "code"), [("10.50", "INR", "amount_mismatch"), ("100.50", "USD", "currency_mismatch")]
)
def test_amount_or_currency_mismatch_fails_the_payment_and_returns_the_money(
    http, merchant, providers, amount, currency, code
):
    order, payment = _cashfree_payment(http, merchant)
    response = post_cashfree(http, cashfree_payment_body(payment["id"], amount=amount, currency=currency))
    assert response.status_code == 200
    assert response.json()["outcome"] == f"money_returned_{code}"
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == "failed"
    assert state["failure_code"] == code
    assert order_state(http, merchant, order["id"])["status"] != "paid"
    # What Cashfree took is sent back (one refund, keyed by our return's id) and listed for admins.
    run_outbox("payments.return.submit")
    (sent,) = providers.seen("POST", f"/pg/orders/{payment['id']}/refunds")
    assert sent.json()["refund_amount"] == float(amount)
    alerts = http.get("/api/v1/admin/alerts", {"payment_id": payment["id"]}, headers=bearer(admin_token(http))).json()
    assert [a["code"] for a in alerts["items"]] == [code]


def test_unreadable_currency_fails_the_payment(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    post_cashfree(http, cashfree_payment_body(payment["id"], currency="XYZ"))
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == "failed"
    assert state["failure_code"] == "currency_mismatch"


def test_a_failed_attempt_is_recorded_and_the_payment_stays_payable(http, merchant, providers):
    order, payment = _cashfree_payment(http, merchant)
    body = cashfree_payment_body(payment["id"], kind="PAYMENT_FAILED_WEBHOOK", status="FAILED")
    response = post_cashfree(http, body)
    assert response.status_code == 200
    assert response.json()["outcome"] == "payment_pending"
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == "pending"
    assert [(a["failure_code"], a["failure_message"]) for a in state["attempts"]] == [
        ("cashfree_bank_declined", "issuer bank declined")
    ]
    assert order_state(http, merchant, order["id"])["status"] == "created"


def test_failed_attempt_then_success_on_the_same_checkout_captures_once(http, merchant, providers):
    order, payment = _cashfree_payment(http, merchant)
    failed = cashfree_payment_body(payment["id"], kind="PAYMENT_FAILED_WEBHOOK", status="FAILED", cf_payment_id=11)
    post_cashfree(http, failed)
    post_cashfree(http, failed)  # Cashfree delivers at least once
    success = cashfree_payment_body(payment["id"], cf_payment_id=12)
    assert post_cashfree(http, success).json()["outcome"] == "payment_captured"
    assert post_cashfree(http, success).status_code == 200  # redelivered: nothing new
    state = payment_state(http, merchant, payment["id"])
    assert (state["status"], len(state["attempts"])) == ("captured", 1)
    assert order_state(http, merchant, order["id"])["status"] == "paid"
    stats = http.get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert (stats["successful_payments"], stats["failed_payments"]) == (1, 0)


def test_user_dropped_keeps_the_payment_pending(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    body = cashfree_payment_body(payment["id"], kind="PAYMENT_USER_DROPPED_WEBHOOK", status="USER_DROPPED")
    response = post_cashfree(http, body)
    assert response.status_code == 200
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == "pending"
    assert state["attempts"][0]["failure_code"] == "user_dropped"


def test_success_on_a_cancelled_order_is_refunded_automatically_and_listed(http, merchant, providers):
    order, payment = _cashfree_payment(http, merchant)
    cancelled = post(http, f"/api/v1/orders/{order['id']}/cancel", {}, **merchant["headers"])
    assert cancelled.json()["status"] == "cancelled"
    # The checkout is terminated at Cashfree (outbox job after commit) ...
    run_outbox("payments.cancel_at_provider")
    assert providers.seen("PATCH", f"/pg/orders/{payment['id']}")
    assert payment_state(http, merchant, payment["id"])["status"] == "cancelled"
    # ... and a success that raced the cancellation is returned, never kept.
    response = post_cashfree(http, cashfree_payment_body(payment["id"]))
    assert response.json()["outcome"] == "money_returned_captured_after_close"
    run_outbox("payments.return.submit")
    assert len(providers.seen("POST", f"/pg/orders/{payment['id']}/refunds")) == 1
    refunds = http.get("/api/v1/refunds", {"payment_id": payment["id"]}, headers=merchant["headers"]).json()["items"]
    assert [(r["kind"], r["status"], r["amount"]) for r in refunds] == [("return", "pending", "100.50")]
    alerts = http.get("/api/v1/admin/alerts", {"payment_id": payment["id"]}, headers=bearer(admin_token(http))).json()
    assert [a["code"] for a in alerts["items"]] == ["captured_after_close"]
    assert order_state(http, merchant, order["id"])["status"] == "cancelled"
    post_cashfree(http, cashfree_payment_body(payment["id"]))  # redelivered: not returned twice
    run_outbox("payments.return.submit")
    assert len(providers.seen("POST", f"/pg/orders/{payment['id']}/refunds")) == 1


def test_unknown_event_types_and_non_json_are_kept_and_ignored(http, merchant, providers):
    settlement = b'{"type":"SETTLEMENT_WEBHOOK","data":{"settlement":{"cf_settlement_id":1}}}'
    response = post_cashfree(http, settlement)
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    response = post_cashfree(http, b"not json at all")
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert len(inbound_events(source="cashfree", status="ignored")) == 2


def test_webhook_signed_with_the_previous_secret_is_accepted_during_rotation(http, merchant, providers, settings):
    from entrypoints import bootstrap

    settings.CASHFREE_PREVIOUS_CLIENT_SECRET = "the-old-secret"
    bootstrap.reset_container()
    _, payment = _cashfree_payment(http, merchant)
    assert post_cashfree(http, cashfree_payment_body(payment["id"]), secret="the-old-secret").status_code == 200


# --- reconciliation --------------------------------------------------------------------------


def _reconcile() -> dict[str, int]:
    from entrypoints.bootstrap import container

    return container().payments.payments_reconcile(all_due_now=True)


def test_reconciliation_captures_a_paid_order_with_the_amount_cashfree_reports(http, merchant, providers):
    order, payment = _cashfree_payment(http, merchant)
    providers.state.cashfree_orders[payment["id"]] = {
        "order_id": payment["id"],
        "order_status": "PAID",
        "order_amount": 100.5,
        "order_currency": "INR",
    }
    providers.state.cashfree_payments[payment["id"]] = (
        '[{"cf_payment_id":11,"payment_status":"FAILED","payment_amount":100.50,"payment_currency":"INR"},'
        '{"cf_payment_id":12,"payment_status":"SUCCESS","payment_amount":100.50,"payment_currency":"INR",'
        '"bank_reference":"BR1","payment_group":"upi"}]'
    )
    assert _reconcile()["settled"] == 1
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    assert order_state(http, merchant, order["id"])["status"] == "paid"


def test_reconciliation_leaves_active_orders_pending(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    providers.state.cashfree_orders[payment["id"]] = {"order_id": payment["id"], "order_status": "ACTIVE"}
    counts = _reconcile()
    assert counts["still_pending"] >= 1
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"


@pytest.mark.parametrize("status", ["EXPIRED", "TERMINATED"])
def test_reconciliation_ends_expired_or_terminated_orders(http, merchant, providers, status):
    _, payment = _cashfree_payment(http, merchant)
    providers.state.cashfree_orders[payment["id"]] = {"order_id": payment["id"], "order_status": status}
    _reconcile()
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == {"EXPIRED": "expired", "TERMINATED": "cancelled"}[status]
    assert state["next_check_at"] is None


def test_reconciliation_with_cashfree_unreachable_changes_nothing(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    providers.state.down = True
    counts = _reconcile()
    assert counts["errors"] >= 1
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"


def test_reconciliation_checks_the_amount_too(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    providers.state.cashfree_orders[payment["id"]] = {"order_id": payment["id"], "order_status": "PAID"}
    providers.state.cashfree_payments[payment["id"]] = (
        '[{"cf_payment_id":12,"payment_status":"SUCCESS","payment_amount":1.00,"payment_currency":"INR"}]'
    )
    _reconcile()
    assert payment_state(http, merchant, payment["id"])["failure_code"] == "amount_mismatch"


# --- refunds ----------------------------------------------------------------------------------


def _captured(http, merchant) -> dict:
    _, payment = _cashfree_payment(http, merchant)
    post_cashfree(http, cashfree_payment_body(payment["id"]))
    return payment


def test_refund_goes_to_cashfree_and_its_webhook_completes_it(http, merchant, providers):
    payment = _captured(http, merchant)
    response = post(http, "/api/v1/refunds", {"payment_id": payment["id"], "amount": "40.25"}, **merchant["headers"])
    assert response.status_code == 201, response.content
    refund = response.json()
    assert refund["status"] == "pending"
    [sent] = providers.seen("POST", f"/pg/orders/{payment['id']}/refunds")
    assert sent.headers["x-idempotency-key"] == refund["id"]
    assert b'"refund_amount":40.25' in sent.body
    assert sent.json()["refund_id"] == refund["id"]
    body = (
        '{"data":{"refund":{"cf_refund_id":77001,"cf_payment_id":1234,"refund_id":"REFUND_ID","order_id":"ORDER_ID",'
        '"refund_amount":40.25,"refund_currency":"INR","entity":"Refund","refund_type":"MERCHANT_INITIATED",'
        '"refund_arn":"205907014017","refund_status":"SUCCESS","status_description":"Refund processed successfully",'
        '"created_at":"2022-02-28T12:54:25+05:30","processed_at":"2022-02-28T13:04:27+05:30","refund_charge":0,'
        '"refund_note":"Test","refund_splits":[],"metadata":null,"refund_mode":"STANDARD"}},'
        '"event_time":"2022-02-28T13:04:28+05:30","type":"REFUND_STATUS_WEBHOOK"}'
    )
    body = body.replace("REFUND_ID", refund["id"]).replace("ORDER_ID", payment["id"]).encode()
    response = post_cashfree(http, body)
    assert response.status_code == 200
    assert response.json()["outcome"] == "refund_succeeded"
    assert http.get(f"/api/v1/refunds/{refund['id']}", headers=merchant["headers"]).json()["status"] == "succeeded"
    assert post_cashfree(http, body).json()["duplicate"] is True


def test_pending_refund_is_settled_by_the_refund_status_job(http, merchant, providers):
    from entrypoints.bootstrap import container

    payment = _captured(http, merchant)
    refund = post(http, "/api/v1/refunds", {"payment_id": payment["id"]}, **merchant["headers"]).json()
    providers.state.cashfree_refunds[refund["id"]] = (
        '{"cf_refund_id":"77001","refund_id":"REFUND_ID","refund_status":"SUCCESS","refund_amount":100.50}'
    ).replace("REFUND_ID", refund["id"])
    counts = container().gateways.gateway_refunds_reconcile()
    assert counts["settled"] >= 1
    assert http.get(f"/api/v1/refunds/{refund['id']}", headers=merchant["headers"]).json()["status"] == "succeeded"


# --- admin: inbound events and replay -----------------------------------------------------------


def test_admin_lists_inbound_events_with_filters_and_cursor_pages(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    post_cashfree(http, cashfree_payment_body(payment["id"]), secret="forged")
    for i in range(3):
        post_cashfree(http, cashfree_payment_body(payment["id"], cf_payment_id=str(900 + i)))
    token = bearer(admin_token(http))
    page = http.get("/api/v1/admin/inbound-events?limit=2&source=cashfree", headers=token).json()
    assert len(page["items"]) == 2
    rest = http.get(f"/api/v1/admin/inbound-events?limit=2&source=cashfree&cursor={page['next_cursor']}", headers=token)
    assert len(rest.json()["items"]) == 2
    forged = http.get("/api/v1/admin/inbound-events?signature_valid=false", headers=token).json()["items"]
    assert [e["status"] for e in forged] == ["rejected"]
    assert forged[0]["body"].startswith('{"data"')
    assert http.get("/api/v1/admin/inbound-events", headers=merchant["headers"]).status_code == 403


def test_admin_replays_an_event_with_idempotent_effects(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    ack = post_cashfree(http, cashfree_payment_body(payment["id"])).json()
    token = bearer(admin_token(http))
    replayed = post(http, f"/api/v1/admin/inbound-events/{ack['inbound_event_id']}/replay", {}, **token)
    assert replayed.status_code == 200, replayed.content
    assert replayed.json()["status"] == "processed"
    assert replayed.json()["attempts"] == 2
    stats = http.get("/api/v1/merchants/me/stats", headers=merchant["headers"]).json()
    assert stats["successful_payments"] == 1


def test_replay_of_an_unmatched_event_applies_it_once_the_payment_exists(http, merchant, providers):
    from adapters.django_orm.gateways.models import InboundEventRecord

    _, payment = _cashfree_payment(http, merchant)
    body = cashfree_payment_body(payment["id"])
    response = post_cashfree(http, body)
    # Simulate a webhook that arrived before our payment committed: park it as unmatched.
    InboundEventRecord.objects.filter(pk=response.json()["inbound_event_id"]).update(status="unmatched")
    from adapters.django_orm.payments.models import PaymentRecord

    PaymentRecord.objects.filter(pk=payment["id"]).update(status="pending", amount_captured_minor=0)
    token = bearer(admin_token(http))
    replayed = post(http, f"/api/v1/admin/inbound-events/{response.json()['inbound_event_id']}/replay", {}, **token)
    assert replayed.json()["status"] == "processed"


def test_a_rejected_event_cannot_be_replayed(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    body = post_cashfree(http, cashfree_payment_body(payment["id"]), secret="forged").json()
    token = bearer(admin_token(http))
    response = post(http, f"/api/v1/admin/inbound-events/{body['inbound_event_id']}/replay", {}, **token)
    assert_problem(response, 409, "event_not_replayable")
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"


def test_return_page_shows_our_status_and_changes_nothing(http, merchant, providers):
    _, payment = _cashfree_payment(http, merchant)
    page = http.get(f"/api/v1/gateways/cashfree/return?order_id={payment['id']}")
    assert page.status_code == 200
    assert b"pending" in page.content
    as_json = http.get(f"/api/v1/gateways/cashfree/return?order_id={payment['id']}", HTTP_ACCEPT="application/json")
    assert as_json.json()["status"] == "pending"
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    assert_problem(http.get("/api/v1/gateways/cashfree/return?order_id=nope"), 404, "not_found")
