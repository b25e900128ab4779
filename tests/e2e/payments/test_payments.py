from __future__ import annotations

import pytest

from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import admin_token, assert_problem, bearer, post, register

pytestmark = pytest.mark.django_db


def test_approved_card_captures_and_pays_the_order(http, merchant):
    order = create_order(http, merchant)
    response = pay_card(http, merchant, order["id"])
    assert response.status_code == 201
    payment = response.json()
    assert payment["status"] == "captured"
    assert payment["amount_captured"] == "100.50"
    assert payment["card"] == {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2035}
    assert http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "paid"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000119", "processing_error"),
    ],
)
def test_declining_cards_fail_the_payment_with_a_code(http, merchant, number, code):
    order = create_order(http, merchant)
    payment = pay_card(http, merchant, order["id"], number=number).json()
    assert payment["status"] == "failed"
    assert payment["failure_code"] == code
    assert payment["failure_message"]
    assert http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "failed"


def test_a_failed_order_can_be_paid_by_a_later_attempt(http, merchant):
    order = create_order(http, merchant)
    pay_card(http, merchant, order["id"], number="4000000000000002")
    assert pay_card(http, merchant, order["id"]).json()["status"] == "captured"


def test_pending_card_settles_through_reconciliation(http, merchant):
    from entrypoints.bootstrap import container

    order = create_order(http, merchant)
    payment = pay_card(http, merchant, order["id"], number="4000000000000259").json()
    assert payment["status"] == "pending"
    counts = container().payments.payments_reconcile(all_due_now=True)
    assert counts["settled"] == 1
    settled = http.get(f"/api/v1/payments/{payment['id']}", headers=merchant["headers"]).json()
    assert settled["status"] == "captured"


def test_slow_card_still_approves(http, merchant, settings):
    settings.SANDBOX_CARD_DELAYS = True
    from entrypoints import bootstrap

    bootstrap.reset_container()
    order = create_order(http, merchant, amount="1")
    assert pay_card(http, merchant, order["id"], number="4000000000000077").json()["status"] == "captured"


@pytest.mark.parametrize(
    ("card", "code", "field"),
    [
        ({"number": "4242424242424241", "expiry": "12/35", "cvv": "123"}, "invalid_card_number", "card.number"),
        ({"number": "4242424242424242", "expiry": "01/20", "cvv": "123"}, "card_expired", "card.expiry"),
        ({"number": "4242424242424242", "expiry": "13/35", "cvv": "123"}, "invalid_expiry", "card.expiry"),
    ],
)
def test_bad_cards_are_422_and_store_nothing(http, merchant, card, code, field):
    from adapters.django_orm.payments.models import PaymentRecord

    order = create_order(http, merchant)
    response = post(
        http, "/api/v1/payments", {"order_id": order["id"], "method": "card", "card": card}, **merchant["headers"]
    )
    body = assert_problem(response, 422, code)
    assert body["errors"][0]["field"] == field
    assert card["number"] not in response.content.decode()
    assert not PaymentRecord.objects.filter(order_id=order["id"]).exists()


def test_authorize_then_capture(http, merchant):
    order = create_order(http, merchant)
    payment = pay_card(http, merchant, order["id"], capture=False).json()
    assert payment["status"] == "authorized"
    assert http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "created"
    captured = post(http, f"/api/v1/payments/{payment['id']}/capture", {}, **merchant["headers"])
    assert captured.json()["status"] == "captured"
    assert_problem(
        post(http, f"/api/v1/payments/{payment['id']}/capture", {}, **merchant["headers"]),
        409,
        "payment_not_capturable",
    )


def test_paying_a_paid_or_cancelled_order_is_409(http, merchant):
    paid = create_order(http, merchant)
    pay_card(http, merchant, paid["id"])
    assert_problem(pay_card(http, merchant, paid["id"]), 409, "order_not_payable")
    cancelled = create_order(http, merchant)
    post(http, f"/api/v1/orders/{cancelled['id']}/cancel", {}, **merchant["headers"])
    assert_problem(pay_card(http, merchant, cancelled["id"]), 409, "order_not_payable")


def test_paying_another_merchants_order_is_404(http, merchant):
    other = register(http, "merchant")
    order = create_order(http, merchant)
    assert_problem(pay_card(http, {"headers": {"X-API-Key": other["api_key"]}}, order["id"]), 404, "not_found")


def test_bank_transfer_waits_for_admin_confirmation(http, merchant):
    order = create_order(http, merchant)
    body = {"order_id": order["id"], "method": "bank_transfer", "bank_transfer": {"reference": "UTR12345"}}
    payment = post(http, "/api/v1/payments", body, **merchant["headers"]).json()
    assert payment["status"] == "pending"
    assert payment["gateway_reference"] == "UTR12345"
    assert_problem(post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **merchant["headers"]), 403, "forbidden")
    token = admin_token(http)
    confirmed = post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **bearer(token))
    assert confirmed.json()["status"] == "captured"
    assert http.get(f"/api/v1/orders/{order['id']}", headers=merchant["headers"]).json()["status"] == "paid"
    assert_problem(
        post(http, f"/api/v1/payments/{payment['id']}/confirm", {}, **bearer(token)), 409, "payment_not_confirmable"
    )


def test_bank_transfer_needs_a_reference(http, merchant):
    order = create_order(http, merchant)
    response = post(
        http, "/api/v1/payments", {"order_id": order["id"], "method": "bank_transfer"}, **merchant["headers"]
    )
    assert_problem(response, 422, "reference_required")


def test_payments_list_and_get_are_scoped(http, merchant):
    other = register(http, "merchant")
    order = create_order(http, merchant)
    payment = pay_card(http, merchant, order["id"]).json()
    assert [p["id"] for p in http.get("/api/v1/payments", headers=merchant["headers"]).json()["items"]] == [
        payment["id"]
    ]
    assert http.get("/api/v1/payments", headers={"X-API-Key": other["api_key"]}).json()["items"] == []
    assert_problem(
        http.get(f"/api/v1/payments/{payment['id']}", headers={"X-API-Key": other["api_key"]}), 404, "not_found"
    )
    by_status = http.get("/api/v1/payments?status=captured&method=card", headers=merchant["headers"]).json()["items"]
    assert len(by_status) == 1


def test_events_are_written_in_the_same_transaction(http, merchant):
    from adapters.django_orm.platform.models import EventRecord

    order = create_order(http, merchant)
    payment = pay_card(http, merchant, order["id"]).json()
    types = list(
        EventRecord.objects.filter(owner_id=merchant["user"]["id"])
        .order_by("created_at")
        .values_list("type", flat=True)
    )
    assert "payment.captured" in types
    assert "order.paid" in types
    captured = EventRecord.objects.get(type="payment.captured", data__object__id=payment["id"])
    assert captured.data["object"]["amount"] == "100.50"
    assert captured.data["order"]["id"] == order["id"]


def test_pan_and_cvv_never_stored_or_logged(http, merchant, caplog):
    from tests.scan import dump_every_table

    order = create_order(http, merchant)
    pay_card(http, merchant, order["id"], number="4242424242424242")
    declined = create_order(http, merchant)
    pay_card(http, merchant, declined["id"], number="4000000000000002")
    post(
        http,
        "/api/v1/payments",
        {
            "order_id": order["id"],
            "method": "card",
            "card": {"number": "4242424242424241", "expiry": "12/35", "cvv": "987"},
        },
        **merchant["headers"],
    )
    # Binary columns decoded, not repr'd (a memoryview's repr would hide a stored body).
    everything = dump_every_table() + "\n".join(str(r.msg) + str(r.args) for r in caplog.records)
    for pan in ("4242424242424242", "4000000000000002", "4242424242424241"):
        assert pan not in everything
    assert '"987"' not in everything
