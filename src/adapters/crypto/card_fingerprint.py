"""Keyed card fingerprints: the same card gives the same value, which cannot be reversed or brute-forced
without the key (a plain hash of a 16-digit PAN can be, PCI DSS 3.5.1.1)."""

from __future__ import annotations

import hmac

from django.conf import settings


class HmacCardFingerprinter:
    def __init__(self, key: str) -> None:
        self._key = key.encode()

    @classmethod
    def from_settings(cls) -> HmacCardFingerprinter:
        return cls(settings.CARD_FINGERPRINT_KEY)

    def fingerprint(self, digits: str) -> str:
        # HMAC-SHA256 in one call to OpenSSL (``hmac.new(...).hexdigest()`` builds an HMAC object first): the
        # same value, which stored fingerprints depend on (tests/unit/payments/test_card_fingerprint.py).
        return hmac.digest(self._key, digits.encode(), "sha256").hex()
