"""Our signature rules against the providers' own code: Cashfree's ``cashfree-pg`` SDK and
SSLCommerz's ``sslcommerz-lib`` (both dev-only test oracles), plus a hand-computed vector."""

from __future__ import annotations

import hashlib
import warnings

import pytest
from sslcommerz_lib import SSLCOMMERZ

from domain.payments.gateway_signatures import (
    cashfree_signature,
    cashfree_signature_valid,
    cashfree_timestamp_fresh,
    sslcommerz_sign_fields,
    sslcommerz_signature_valid,
    sslcommerz_verify_sign,
)

with warnings.catch_warnings():  # the SDK still uses pydantic v1 decorators
    warnings.simplefilter("ignore", DeprecationWarning)
    from cashfree_pg.api_client import Cashfree

SECRET = "cfsk_ma_test_0123456789abcdef"
BODY = (
    '{"data":{"order":{"order_id":"order_OK_1","order_amount":170.00,"order_currency":"INR","order_tags":null},'
    '"payment":{"cf_payment_id":5114910299,"payment_status":"SUCCESS","payment_amount":170.00}},'
    '"event_time":"2023-08-11T18:05:01+05:30","type":"PAYMENT_SUCCESS_WEBHOOK"}'
)
TIMESTAMP = "1691757301000"


def sdk() -> Cashfree:
    return Cashfree(XEnvironment=Cashfree.SANDBOX, XClientId="client", XClientSecret=SECRET)


def test_cashfree_sdk_accepts_our_signature():
    signature = cashfree_signature(SECRET, TIMESTAMP, BODY.encode())
    event = sdk().PGVerifyWebhookSignature(signature, BODY, TIMESTAMP)
    assert event.type == "PAYMENT_SUCCESS_WEBHOOK"


def test_we_accept_what_the_cashfree_sdk_accepts_and_refuse_what_it_refuses():
    signature = cashfree_signature(SECRET, TIMESTAMP, BODY.encode())
    assert cashfree_signature_valid(SECRET, TIMESTAMP, BODY.encode(), signature)
    tampered = BODY.replace("170.00", "170.01")
    with pytest.raises(Exception, match="did not match"):
        sdk().PGVerifyWebhookSignature(signature, tampered, TIMESTAMP)
    assert not cashfree_signature_valid(SECRET, TIMESTAMP, tampered.encode(), signature)
    assert not cashfree_signature_valid(SECRET, str(int(TIMESTAMP) + 1), BODY.encode(), signature)
    assert not cashfree_signature_valid("other", TIMESTAMP, BODY.encode(), signature)
    assert not cashfree_signature_valid(SECRET, TIMESTAMP, BODY.encode(), "")


def test_cashfree_timestamp_tolerance_is_five_minutes_either_way():
    now = 1_700_000_000_000
    assert cashfree_timestamp_fresh(str(now - 299_000), now)
    assert cashfree_timestamp_fresh(str(now + 299_000), now)
    assert not cashfree_timestamp_fresh(str(now - 301_000), now)
    assert not cashfree_timestamp_fresh(str(now + 301_000), now)
    assert not cashfree_timestamp_fresh("1700000000", now)  # seconds, not milliseconds
    assert not cashfree_timestamp_fresh("soon", now)
    assert not cashfree_timestamp_fresh("", now)


IPN = {
    "tran_id": "5c1e5a2b-0000-4000-8000-000000000001",
    "val_id": "230811180500abc",
    "amount": "1500.00",
    "card_type": "VISA-Dutch Bangla",
    "store_amount": "1462.50",
    "bank_tran_id": "2308111805001",
    "status": "VALID",
    "currency": "BDT",
    "risk_level": "0",
}


def test_sslcommerz_lib_accepts_our_verify_sign():
    signed = sslcommerz_sign_fields(IPN, "qwerty")
    library = SSLCOMMERZ({"store_id": "testbox", "store_pass": "qwerty", "issandbox": True})
    assert library.hash_validate_ipn(dict(signed)) is True
    assert sslcommerz_signature_valid(signed, "qwerty")


def test_we_agree_with_sslcommerz_lib_on_tampered_and_foreign_ipns():
    library = SSLCOMMERZ({"store_id": "testbox", "store_pass": "qwerty", "issandbox": True})
    signed = sslcommerz_sign_fields(IPN, "qwerty")
    for tampered in ({**signed, "amount": "1.00"}, {**signed, "verify_sign": "0" * 32}):
        assert library.hash_validate_ipn(dict(tampered)) is False
        assert not sslcommerz_signature_valid(tampered, "qwerty")
    assert not sslcommerz_signature_valid(signed, "other-password")
    partial = {**signed, "verify_key": "tran_id,amount"}  # only some fields signed: still checkable
    partial["verify_sign"] = sslcommerz_verify_sign(partial, "qwerty")
    assert library.hash_validate_ipn(dict(partial)) is True


def test_sslcommerz_hand_computed_vector():
    fields = {"amount": "100.00", "tran_id": "T1", "verify_key": "tran_id,amount"}
    password_md5 = hashlib.md5(b"qwerty").hexdigest()
    expected = hashlib.md5(f"amount=100.00&store_passwd={password_md5}&tran_id=T1".encode()).hexdigest()
    assert sslcommerz_verify_sign(fields, "qwerty") == expected
    assert sslcommerz_signature_valid({**fields, "verify_sign": expected}, "qwerty")


def test_sslcommerz_verify_key_naming_a_missing_field_is_invalid():
    fields = {"amount": "100.00", "verify_key": "amount,tran_id", "verify_sign": "x"}
    assert sslcommerz_verify_sign(fields, "qwerty") is None
    assert not sslcommerz_signature_valid(fields, "qwerty")
