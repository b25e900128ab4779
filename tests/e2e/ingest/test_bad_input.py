"""Client mistakes on the webhook: 400 or 422 problem details, nothing stored, the next good call works."""

from __future__ import annotations

import pytest

from adapters.django_orm.ingest.models import IngestedTransaction
from adapters.django_orm.platform.models import OutboxMessage
from tests.e2e.ingest.conftest import send
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def _nothing_stored() -> None:
    assert IngestedTransaction.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def _still_works(http, webhook) -> None:
    assert send(http, webhook).status_code == 202
    assert IngestedTransaction.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    [b'{"transaction_id": "t1", "amount": ', b"not json", b'{"a": 1,}', b"\xff\xfe"],
    ids=["truncated", "text", "trailing-comma", "binary"],
)
def test_malformed_json_is_400(http, webhook, raw):
    assert_problem(send(http, raw), 400, "malformed_json")
    _nothing_stored()
    _still_works(http, webhook)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"transaction_id": None}, "transaction_id"),
        ({"transaction_id": ""}, "transaction_id"),
        ({"transaction_id": "   "}, "transaction_id"),
        ({"transaction_id": "x" * 129}, "transaction_id"),
        ({"transaction_id": "nul\u0000byte"}, "transaction_id"),
        ({"source_account": ""}, "source_account"),
        ({"source_account": "a" * 129}, "source_account"),
        ({"destination_account": None}, "destination_account"),
        ({"amount": 0}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": -10}, "amount"),
        ({"amount": "-0.01"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": "1e999999999"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"currency": "RUPEES"}, "currency"),
        ({"currency": 840}, "currency"),
        ({"unexpected": "field"}, "unexpected"),
    ],
)
def test_invalid_fields_are_422_with_field_errors(http, webhook, change, field):
    body = {**webhook, **change}
    if change.get("transaction_id", "") is None or change.get("destination_account", "") is None:
        body = {k: v for k, v in body.items() if v is not None}
    response = send(http, body)

    problem = assert_problem(response, 422, "validation_error")
    assert field in {error["field"] for error in problem["errors"]}, problem
    _nothing_stored()
    _still_works(http, webhook)


@pytest.mark.parametrize(("amount", "currency"), [("1.005", "USD"), ("1.5", "JPY"), ("999999999999999", "KWD")])
def test_amounts_the_currency_cannot_hold_are_422_on_amount(http, webhook, amount, currency):
    problem = assert_problem(send(http, {**webhook, "amount": amount, "currency": currency}), 422, "invalid_amount")
    assert problem["errors"][0]["field"] == "amount"
    _nothing_stored()
    _still_works(http, webhook)


def test_missing_everything_lists_every_field(http, webhook):
    problem = assert_problem(send(http, {}), 422, "validation_error")
    assert {e["field"] for e in problem["errors"]} == {
        "transaction_id",
        "source_account",
        "destination_account",
        "amount",
        "currency",
    }
    _still_works(http, webhook)


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"null", b"42"])
def test_a_body_that_is_not_an_object_is_a_client_error(http, webhook, raw):
    response = send(http, raw)
    assert response.status_code in {400, 422}, response.content
    assert response["Content-Type"] == "application/problem+json"
    _nothing_stored()
    _still_works(http, webhook)


def test_an_empty_body_is_422(http, webhook):
    response = http.post("/v1/webhooks/transactions", data=b"", content_type="application/json")
    assert_problem(response, 422, "validation_error")
    _nothing_stored()
    _still_works(http, webhook)


def test_a_non_json_content_type_is_415(http, webhook):
    response = http.post("/v1/webhooks/transactions", data="transaction_id=1", content_type="text/plain")
    assert_problem(response, 415, "unsupported_media_type")
    _nothing_stored()


def test_lowercase_currency_is_accepted_and_normalized(http, webhook):
    response = send(http, {**webhook, "currency": "inr"})
    assert response.status_code == 202
    assert response.json()["currency"] == "INR"


def test_trailing_slash_is_not_the_webhook(http, webhook):
    assert send(http, webhook, "/v1/webhooks/transactions/").status_code == 404
    _nothing_stored()
