from __future__ import annotations

import pytest

from tests.e2e.gateways.conftest import (
    SSL_PASSWORD,
    SSL_STORE_ID,
    create_order,
    inbound_events,
    ipn_fields,
    order_state,
    outbox_rows,
    pay,
    payment_state,
    post_ipn,
    sslcommerz_sign,
    validation_answer,
)
from tests.helpers import admin_token, assert_problem, bearer, post, run_outbox

pytestmark = pytest.mark.django_db


def _ssl_payment(http, merchant, amount: str = "1500.00", currency: str = "BDT") -> tuple[dict, dict]:
    order = create_order(http, merchant, amount=amount, currency=currency)
    customer = {"name": "Rahim", "email": "rahim@example.com", "phone": "01711111111"}
    return order, pay(http, merchant, order["id"], "sslcommerz", customer=customer)


def _valid_ipn(providers, payment_id: str, **validation_overrides: str) -> dict[str, str]:
    fields = ipn_fields(payment_id)
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(fields, **validation_overrides)
    return sslcommerz_sign(fields)


# --- the session ------------------------------------------------------------------------------


def test_payment_opens_an_sslcommerz_session_with_the_documented_form(http, merchant, providers):
    _order, payment = _ssl_payment(http, merchant)
    assert payment["status"] == "pending"
    assert payment["redirect_url"] == "https://sandbox.sslcommerz.com/EasyCheckOut/testcdef650e87f6a8b4b1b"
    [sent] = providers.seen("POST", "/gwprocess/v4/api.php")
    form = sent.form()
    assert form["store_id"] == SSL_STORE_ID
    assert form["store_passwd"] == SSL_PASSWORD
    assert form["total_amount"] == "1500.00"
    assert form["currency"] == "BDT"
    assert form["tran_id"] == payment["id"]
    assert form["success_url"] == "http://testserver/api/v1/gateways/sslcommerz/return/success"
    assert form["fail_url"] == "http://testserver/api/v1/gateways/sslcommerz/return/fail"
    assert form["cancel_url"] == "http://testserver/api/v1/gateways/sslcommerz/return/cancel"
    assert form["ipn_url"] == "http://testserver/api/v1/webhooks/sslcommerz"
    assert (form["cus_name"], form["cus_email"], form["cus_phone"]) == ("Rahim", "rahim@example.com", "01711111111")
    assert form["shipping_method"] == "NO"
    assert form["product_profile"] == "general"
    assert form["num_of_item"] == "1"
    assert {"cus_add1", "cus_city", "cus_country", "product_name", "product_category"} <= form.keys()
    assert len(providers.seen("POST", "/gwprocess/v4/api.php")) == 1  # never retried: not idempotent


def test_a_failed_session_fails_the_payment_with_the_reason(http, merchant, providers):
    providers.state.ssl_session_answer = {
        "status": "FAILED",
        "failedreason": "Store Credential Error Or Store is De-active",
    }
    _, payment = _ssl_payment(http, merchant)
    assert payment["status"] == "failed"
    assert payment["failure_message"] == "Store Credential Error Or Store is De-active"


# --- IPN --------------------------------------------------------------------------------------


def test_valid_ipn_confirmed_by_the_validation_api_captures(http, merchant, providers):
    order, payment = _ssl_payment(http, merchant)
    fields = _valid_ipn(providers, payment["id"])
    response = post_ipn(http, fields)
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "payment_captured"
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == "captured"
    assert state["gateway_reference"] == fields["bank_tran_id"]  # what SSLCommerz refunds need
    assert order_state(http, merchant, order["id"])["status"] == "paid"
    [check] = providers.seen("GET", "/validator/api/validationserverAPI.php")
    assert check.query == {
        "val_id": fields["val_id"],
        "store_id": SSL_STORE_ID,
        "store_passwd": SSL_PASSWORD,
        "v": "1",
        "format": "json",
    }


def test_usd_payment_is_checked_on_currency_type_and_currency_amount(http, merchant, providers):
    _, payment = _ssl_payment(http, merchant, amount="12.50", currency="USD")
    fields = ipn_fields(payment["id"], amount="1500.00")
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(
        fields, currency_type="USD", currency_amount="12.50", currency_rate="120.0000"
    )
    post_ipn(http, sslcommerz_sign(fields))
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"amount": "15.00", "currency_amount": "15.00"}, "amount_mismatch"),
        ({"currency_type": "USD", "currency_amount": "1500.00"}, "currency_mismatch"),
        ({"status": "INVALID_TRANSACTION"}, "validation_failed"),
        ({"tran_id": "someone-else"}, "tran_id_mismatch"),
    ],
)
def test_any_mismatch_fails_the_payment_and_never_pays_the_order(http, merchant, providers, overrides, code):
    order, payment = _ssl_payment(http, merchant)
    response = post_ipn(http, _valid_ipn(providers, payment["id"], **overrides))
    assert response.status_code == 200
    state = payment_state(http, merchant, payment["id"])
    assert state["status"] == "failed"
    assert state["failure_code"] == code
    assert order_state(http, merchant, order["id"])["status"] != "paid"
    alerts = http.get("/api/v1/admin/alerts", {"payment_id": payment["id"]}, headers=bearer(admin_token(http))).json()
    assert [a["code"] for a in alerts["items"]] == ([] if code == "validation_failed" else [code])
    # Money SSLCommerz validated in another amount is returned (refe_id = our return's id); one whose amount
    # we cannot read in the payment's currency is left to the admin the alert names.
    run_outbox("payments.return.submit")
    returned = providers.seen("GET", "/validator/api/merchantTransIDvalidationAPI.php")
    assert len([r for r in returned if "refund_amount" in r.query]) == (1 if code == "amount_mismatch" else 0)


def test_usd_payment_with_wrong_currency_amount_fails(http, merchant, providers):
    _, payment = _ssl_payment(http, merchant, amount="12.50", currency="USD")
    fields = ipn_fields(payment["id"])
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(
        fields, currency_type="USD", currency_amount="1.25"
    )
    post_ipn(http, sslcommerz_sign(fields))
    assert payment_state(http, merchant, payment["id"])["failure_code"] == "amount_mismatch"


@pytest.mark.parametrize(("status", "code"), [("FAILED", "sslcommerz_failed"), ("CANCELLED", "sslcommerz_cancelled")])
def test_failed_or_cancelled_ipn_is_an_attempt_and_the_session_stays_payable(http, merchant, providers, status, code):
    order, payment = _ssl_payment(http, merchant)
    post_ipn(http, sslcommerz_sign(ipn_fields(payment["id"], status=status, val_id="", error="Declined")))
    state = payment_state(http, merchant, payment["id"])
    assert (state["status"], [a["failure_code"] for a in state["attempts"]]) == ("pending", [code])
    assert providers.seen("GET", "/validator/") == []
    # The buyer tries again on the same session and pays.
    post_ipn(http, _valid_ipn(providers, payment["id"]))
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    assert order_state(http, merchant, order["id"])["status"] == "paid"


@pytest.mark.parametrize("tamper", ["amount", "verify_sign", "password"])
def test_bad_verify_sign_is_401_changes_nothing_and_is_logged(http, merchant, providers, tamper):
    _, payment = _ssl_payment(http, merchant)
    fields = _valid_ipn(providers, payment["id"])
    if tamper == "amount":
        fields["amount"] = "1.00"
    elif tamper == "verify_sign":
        fields["verify_sign"] = "0" * 32
    else:
        fields = sslcommerz_sign(ipn_fields(payment["id"]), password="guessed")
    assert_problem(post_ipn(http, fields), 401, "invalid_signature")
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    [event] = inbound_events(source="sslcommerz")
    assert (event.signature_valid, event.status) == (False, "rejected")
    assert providers.seen("GET", "/validator/") == []


def test_missing_verify_fields_are_401(http, merchant, providers):
    _, payment = _ssl_payment(http, merchant)
    assert_problem(post_ipn(http, ipn_fields(payment["id"])), 401, "invalid_signature")


def test_unknown_tran_id_is_404_and_logged(http, merchant, providers):
    assert_problem(post_ipn(http, sslcommerz_sign(ipn_fields("not-our-payment"))), 404, "unknown_payment")
    assert [e.status for e in inbound_events(source="sslcommerz")] == ["unmatched"]


def test_validation_api_down_answers_a_retryable_error_and_the_outbox_retries(http, merchant, providers):
    from entrypoints import bootstrap

    order, payment = _ssl_payment(http, merchant)
    fields = _valid_ipn(providers, payment["id"])
    providers.state.validation_down = True
    response = post_ipn(http, fields)
    body = assert_problem(response, 503, "gateway_unavailable")
    assert response["Retry-After"]
    [event] = inbound_events(source="sslcommerz")
    assert str(event.id) == body["inbound_event_id"]
    assert event.status == "retrying"
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    [job] = outbox_rows()
    assert job.status == "pending"  # scheduled again with backoff, not lost

    providers.state.validation_down = False
    from django.utils import timezone

    from adapters.django_orm.platform.models import OutboxMessage

    OutboxMessage.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    assert bootstrap.container().process_outbox_message(str(job.pk)).status == "done"
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"
    assert order_state(http, merchant, order["id"])["status"] == "paid"
    # SSLCommerz's own retry of the IPN now finds the work done.
    again = post_ipn(http, fields)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True


def test_duplicate_ipn_acts_once(http, merchant, providers):
    _, payment = _ssl_payment(http, merchant)
    fields = _valid_ipn(providers, payment["id"])
    assert post_ipn(http, fields).status_code == 200
    second = post_ipn(http, fields)
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert len(providers.seen("GET", "/validator/api/validationserverAPI.php")) == 1
    [event] = inbound_events(source="sslcommerz")
    assert event.deliveries == 2


# --- risk review ------------------------------------------------------------------------------


def test_risky_payment_is_held_until_an_admin_releases_it(http, merchant, providers):
    from adapters.django_orm.payments.models import PaymentRecord

    order, payment = _ssl_payment(http, merchant)
    fields = ipn_fields(payment["id"], risk_level="1", risk_title="Risky")
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(fields)
    response = post_ipn(http, sslcommerz_sign(fields))
    assert response.json()["outcome"] == "held_for_review"
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    review = PaymentRecord.objects.get(pk=payment["id"]).gateway_data["risk_review"]
    assert review["status"] == "pending"
    assert review["amount"] == "1500.00"
    token = bearer(admin_token(http))
    held = http.get("/api/v1/admin/inbound-events?source=sslcommerz", headers=token).json()["items"]
    assert held[0]["outcome"] == "held_for_review"

    assert (
        post(
            http, f"/api/v1/admin/payments/{payment['id']}/risk-review", {"decision": "approve"}, **merchant["headers"]
        ).status_code
        == 403
    )
    released = post(
        http,
        f"/api/v1/admin/payments/{payment['id']}/risk-review",
        {"decision": "approve", "note": "called buyer"},
        **token,
    )
    assert released.status_code == 200, released.content
    assert released.json()["status"] == "captured"
    assert order_state(http, merchant, order["id"])["status"] == "paid"
    again = post(http, f"/api/v1/admin/payments/{payment['id']}/risk-review", {"decision": "reject"}, **token)
    assert_problem(again, 409, "no_review_pending")


def test_admin_can_reject_a_risky_payment(http, merchant, providers):
    order, payment = _ssl_payment(http, merchant)
    fields = ipn_fields(payment["id"], risk_level="1")
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(fields)
    post_ipn(http, sslcommerz_sign(fields))
    token = bearer(admin_token(http))
    rejected = post(http, f"/api/v1/admin/payments/{payment['id']}/risk-review", {"decision": "reject"}, **token)
    assert rejected.json()["status"] == "failed"
    assert rejected.json()["failure_code"] == "risk_rejected"
    assert order_state(http, merchant, order["id"])["status"] != "paid"


# --- return pages, reconciliation, refunds --------------------------------------------------------


@pytest.mark.parametrize("outcome", ["success", "fail", "cancel"])
def test_return_pages_show_our_status_and_never_change_it(http, merchant, providers, outcome):
    _, payment = _ssl_payment(http, merchant)
    page = http.post(
        f"/api/v1/gateways/sslcommerz/return/{outcome}",
        data=f"tran_id={payment['id']}&status=VALID&val_id=forged",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert b"pending" in page.content
    assert payment_state(http, merchant, payment["id"])["status"] == "pending"
    assert http.get(f"/api/v1/gateways/sslcommerz/return/{outcome}?tran_id={payment['id']}").status_code == 200


def test_reconciliation_asks_sslcommerz_by_tran_id(http, merchant, providers):
    from entrypoints.bootstrap import container

    _, payment = _ssl_payment(http, merchant)
    fields = ipn_fields(payment["id"])
    element = validation_answer(fields, status="VALIDATED")
    providers.state.ssl_queries[f"tran_id:{payment['id']}"] = {
        "APIConnect": "DONE",
        "no_of_trans_found": 1,
        "element": [element],
    }
    assert container().payments.payments_reconcile(all_due_now=True)["settled"] >= 1
    assert payment_state(http, merchant, payment["id"])["status"] == "captured"


def test_refund_through_sslcommerz_and_its_status_query(http, merchant, providers):
    from entrypoints.bootstrap import container

    _, payment = _ssl_payment(http, merchant)
    fields = _valid_ipn(providers, payment["id"])
    post_ipn(http, fields)
    response = post(
        http,
        "/api/v1/refunds",
        {"payment_id": payment["id"], "amount": "500.00", "reason": "broken"},
        **merchant["headers"],
    )
    assert response.status_code == 201, response.content
    refund = response.json()
    assert refund["status"] == "pending"
    [sent] = [
        r
        for r in providers.seen("GET", "/validator/api/merchantTransIDvalidationAPI.php")
        if "refund_amount" in r.query
    ]
    assert sent.query["bank_tran_id"] == fields["bank_tran_id"]
    assert sent.query["refund_amount"] == "500.00"
    assert sent.query["refund_remarks"] == "broken"
    assert sent.query["format"] == "json"
    providers.state.ssl_queries["refund_ref_id:59bd63fea5455"] = {
        "APIConnect": "DONE",
        "bank_tran_id": fields["bank_tran_id"],
        "tran_id": payment["id"],
        "refund_ref_id": "59bd63fea5455",
        "status": "refunded",
        "errorReason": "",
    }
    assert container().gateways.gateway_refunds_reconcile()["settled"] == 1
    assert http.get(f"/api/v1/refunds/{refund['id']}", headers=merchant["headers"]).json()["status"] == "succeeded"


def test_refused_refund_is_409_and_takes_no_money(http, merchant, providers):
    _, payment = _ssl_payment(http, merchant)
    post_ipn(http, _valid_ipn(providers, payment["id"]))
    providers.state.ssl_refund_answer = {
        "APIConnect": "DONE",
        "status": "failed",
        "errorReason": "Refund amount exceeds",
    }
    response = post(http, "/api/v1/refunds", {"payment_id": payment["id"]}, **merchant["headers"])
    assert_problem(response, 409, "refund_failed")
    assert payment_state(http, merchant, payment["id"])["amount_refunded"] == "0.00"
