"""The Idempotency-Key request fingerprint: keyed, canonical, and blind to card secrets (issue #13)."""

from __future__ import annotations

import hashlib
import json

from application.shared.idempotency import _canonical_body, request_fingerprint

KEY = b"k" * 32
PATH = "/api/v1/payments"
CARD = {"number": "4242424242424242", "expiry": "12/35", "cvv": "737", "holder": "A B"}


def fp(body: object, *, key: bytes = KEY, method: str = "POST", path: str = PATH) -> str:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return request_fingerprint(method, path, raw, key=key)


def payment(**card: str) -> dict[str, object]:
    return {"order_id": "o-1", "method": "card", "card": {**CARD, **card}}


def test_the_fingerprint_depends_on_the_key_and_is_no_plain_hash():
    raw = json.dumps(payment()).encode()
    assert fp(raw) != fp(raw, key=b"other" * 8)
    assert fp(raw) not in {
        hashlib.sha256(raw).hexdigest(),
        hashlib.sha256(b"POST\0" + PATH.encode() + b"\0" + raw).hexdigest(),
    }


def test_neither_pan_nor_cvv_is_part_of_what_is_hashed():
    canonical = _canonical_body(json.dumps(payment()).encode(), KEY)
    assert b"4242424242424242" not in canonical
    assert b'"737"' not in canonical
    assert b"cvv" not in canonical
    assert b"12/35" in canonical  # everything else is


def test_a_different_card_number_is_a_different_request():
    assert fp(payment()) != fp(payment(number="4000056655665556"))


def test_a_different_cvv_alone_is_the_same_request():
    assert fp(payment()) == fp(payment(cvv="123"))


def test_card_number_spacing_does_not_matter():
    assert fp(payment()) == fp(payment(number="4242 4242 4242 4242"))


def test_every_other_field_counts():
    base = fp(payment())
    assert fp(payment(expiry="11/35")) != base
    assert fp(payment(holder="C D")) != base
    assert fp({**payment(), "capture": False}) != base
    assert fp({**payment(), "order_id": "o-2"}) != base
    assert fp(payment(), path="/api/v1/other") != base
    assert fp(payment(), method="PUT") != base


def test_key_order_and_whitespace_do_not_matter_but_number_spelling_does():
    body = {"amount": "10.00", "currency": "INR", "metadata": {"a": 1, "b": [1, 2.5]}}
    compact = json.dumps(body, separators=(",", ":")).encode()
    spaced = json.dumps(dict(reversed(body.items())), indent=2).encode()
    assert fp(compact) == fp(spaced)
    assert fp(b'{"metadata": {"x": 1.5}}') != fp(b'{"metadata": {"x": 1.50}}')
    assert fp(b'{"metadata": {"x": 1}}') != fp(b'{"metadata": {"x": "1"}}')


def test_card_objects_are_redacted_wherever_they_are():
    nested = {"items": [{"card": CARD}], "card": CARD}
    canonical = _canonical_body(json.dumps(nested).encode(), KEY)
    assert b"4242424242424242" not in canonical
    assert b'"737"' not in canonical


def test_a_body_that_is_not_json_is_still_keyed():
    assert fp(b"not json") != fp(b"not json", key=b"x" * 32)
    assert fp(b"not json") != fp(b"not json!")
    assert fp(b"") == fp(b"")


def test_the_canonical_form_is_the_one_stored_fingerprints_were_made_with():
    # Fingerprints outlive a release (a retry may span it): the canonical text must not change. Pinned
    # against the form written with json.dumps for every name and string.
    raw = (
        '{"b": "ünï ✓ \\"q\\" \\\\ \\u0000", "a": [1.50, "x", null, true, {"z": "", "y": 2}], "amount": "100.50"}'
    ).encode()
    assert _canonical_body(raw, KEY) == (
        b'json:{"a":[1.50,"x",null,true,{"y":2,"z":""}],"amount":"100.50",'
        b'"b":"\\u00fcn\\u00ef \\u2713 \\"q\\" \\\\ \\u0000"}'
    )
