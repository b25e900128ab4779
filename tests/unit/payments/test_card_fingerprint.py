"""The keyed card fingerprint is HMAC-SHA256 of the digits: stored fingerprints must keep matching."""

from __future__ import annotations

import hashlib
import hmac
import threading

from adapters.crypto.card_fingerprint import HmacCardFingerprinter


def test_it_is_hmac_sha256_hex_of_the_digits():
    # RFC 4231-style check on a published vector: HMAC-SHA256("key", "The quick brown fox ...").
    fingerprinter = HmacCardFingerprinter("key")
    assert (
        fingerprinter.fingerprint("The quick brown fox jumps over the lazy dog")
        == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


def test_the_same_card_gives_the_same_value_and_the_key_changes_it():
    digits = "4242424242424242"
    one, other = HmacCardFingerprinter("k1"), HmacCardFingerprinter("k2")
    assert one.fingerprint(digits) == one.fingerprint(digits)
    assert one.fingerprint(digits) == hmac.new(b"k1", digits.encode(), hashlib.sha256).hexdigest()
    assert one.fingerprint(digits) != other.fingerprint(digits)
    assert one.fingerprint(digits) != hashlib.sha256(digits.encode()).hexdigest()  # keyed, not a plain hash


def test_threads_sharing_one_fingerprinter_get_the_same_values():
    fingerprinter = HmacCardFingerprinter("k1")
    cards = [f"42424242424{n:05d}" for n in range(200)]
    expected = [hmac.new(b"k1", card.encode(), hashlib.sha256).hexdigest() for card in cards]
    results: list[list[str]] = [[] for _ in range(6)]

    def run(into: list[str]) -> None:
        into.extend(fingerprinter.fingerprint(card) for card in cards)

    threads = [threading.Thread(target=run, args=(into,)) for into in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(into == expected for into in results)
