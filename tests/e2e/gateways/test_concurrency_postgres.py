"""Concurrent deliveries of one gateway event (PostgreSQL: real row locks and ON CONFLICT waits)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.concurrency import run_concurrently
from tests.e2e.gateways.conftest import (
    cashfree_payment_body,
    create_order,
    inbound_events,
    ipn_fields,
    pay,
    post_cashfree,
    post_ipn,
    sslcommerz_sign,
    validation_answer,
)
from tests.helpers import register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _merchant() -> dict:
    session = register(Client(), "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def test_ten_concurrent_duplicate_cashfree_webhooks_settle_once(providers):
    from adapters.django_orm.payments.models import PaymentRecord
    from adapters.django_orm.payments.stats import DjangoStatsQuery
    from adapters.django_orm.platform.models import EventRecord

    merchant = _merchant()
    order = create_order(Client(), merchant)
    payment = pay(Client(), merchant, order["id"], "cashfree")
    body = cashfree_payment_body(payment["id"], cf_payment_id="4242424242")
    results = run_concurrently(lambda i: post_cashfree(Client(), body), 10)
    assert [r.status_code for r in results] == [200] * 10, [getattr(r, "content", r) for r in results]
    assert sum(not r.json()["duplicate"] for r in results) == 1
    [event] = inbound_events(source="cashfree")
    assert event.deliveries == 10
    assert event.attempts == 1
    assert PaymentRecord.objects.get(pk=payment["id"]).status == "captured"
    assert DjangoStatsQuery().summary(seller_id=merchant["user"]["id"], since=None).successful_payments == 1
    assert EventRecord.objects.filter(type="payment.captured", data__object__id=payment["id"]).count() == 1


def test_concurrent_distinct_success_webhooks_for_one_payment_capture_once(providers):
    from adapters.django_orm.payments.models import PaymentRecord

    merchant = _merchant()
    order = create_order(Client(), merchant)
    payment = pay(Client(), merchant, order["id"], "cashfree")
    results = run_concurrently(
        lambda i: post_cashfree(Client(), cashfree_payment_body(payment["id"], cf_payment_id=str(1000 + i))), 6
    )
    assert {r.status_code for r in results} == {200}
    assert PaymentRecord.objects.get(pk=payment["id"]).status == "captured"
    outcomes = sorted(r.json()["outcome"] for r in results)
    assert outcomes.count("payment_captured") == 6  # each event sees the payment captured; money moved once


def test_concurrent_duplicate_sslcommerz_ipns_validate_and_settle_once(providers):
    from adapters.django_orm.payments.models import PaymentRecord

    merchant = _merchant()
    order = create_order(Client(), merchant, amount="1500.00", currency="BDT")
    payment = pay(Client(), merchant, order["id"], "sslcommerz")
    fields = ipn_fields(payment["id"])
    providers.state.ssl_validations[fields["val_id"]] = validation_answer(fields)
    signed = sslcommerz_sign(fields)
    results = run_concurrently(lambda i: post_ipn(Client(), signed), 8)
    assert {r.status_code for r in results} == {200}
    [event] = inbound_events(source="sslcommerz")
    assert (event.deliveries, event.attempts, event.status) == (8, 1, "processed")
    assert PaymentRecord.objects.get(pk=payment["id"]).status == "captured"
