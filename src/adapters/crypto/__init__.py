"""Secrets at rest: keys derived from ``SECRET_KEY`` per purpose, and authenticated encryption.

Every use gets its own key, derived with HKDF-SHA256 from ``SECRET_KEY`` and a purpose label,
so a key for one purpose (idempotency fingerprints) reveals nothing about another (stored
response bodies, webhook signing secrets). Encryption is AES-256-GCM with a random 96-bit nonce:
confidentiality plus integrity, and associated data binds a ciphertext to where it is stored
(a stored body cannot be moved to another idempotency record).

Key rotation follows Django's: the first key encrypts, every key in ``SECRET_KEY`` followed by
``SECRET_KEY_FALLBACKS`` decrypts.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Marks a sealed value and its format version; plaintext JSON never starts with these bytes.
SEALED_PREFIX = b"\x00PPE1"
TEXT_PREFIX = "enc1:"
NONCE_BYTES = 12


def derive_key(secret_key: str, purpose: str, *, length: int = 32) -> bytes:
    """A key for one purpose, derived from the Django ``SECRET_KEY`` (HKDF-SHA256, info = purpose)."""
    if not secret_key:
        raise ValueError("SECRET_KEY is empty")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=b"partnerpay", info=purpose.encode())
    return hkdf.derive(secret_key.encode())


class DecryptionError(Exception):
    """No configured key opens this value: it was sealed under a key that is no longer configured."""


class SecretBox:
    """AES-256-GCM under the current key; older keys (SECRET_KEY_FALLBACKS) still open old values."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("SecretBox needs at least one key")
        self._ciphers = [AESGCM(key) for key in keys]

    @classmethod
    def from_secret_keys(cls, secret_keys: Sequence[str], purpose: str) -> SecretBox:
        return cls([derive_key(secret, purpose) for secret in secret_keys if secret])

    @staticmethod
    def is_sealed(blob: bytes) -> bool:
        return blob.startswith(SEALED_PREFIX)

    def seal(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return SEALED_PREFIX + nonce + self._ciphers[0].encrypt(nonce, plaintext, context)

    def open(self, blob: bytes, *, context: bytes = b"") -> bytes:
        if not self.is_sealed(blob):
            raise DecryptionError("not a sealed value")
        nonce = blob[len(SEALED_PREFIX) : len(SEALED_PREFIX) + NONCE_BYTES]
        ciphertext = blob[len(SEALED_PREFIX) + NONCE_BYTES :]
        for cipher in self._ciphers:
            try:
                return cipher.decrypt(nonce, ciphertext, context)
            except InvalidTag:
                continue
        raise DecryptionError("no configured key opens this value")

    # Text columns keep the sealed bytes as "enc1:" + base64.
    def seal_text(self, plaintext: str, *, context: bytes = b"") -> str:
        return TEXT_PREFIX + base64.b64encode(self.seal(plaintext.encode(), context=context)).decode("ascii")

    def open_text(self, value: str, *, context: bytes = b"") -> str:
        if not value.startswith(TEXT_PREFIX):
            raise DecryptionError("not a sealed text value")
        return self.open(base64.b64decode(value[len(TEXT_PREFIX) :]), context=context).decode()


def secret_keys_from_settings() -> list[str]:
    """``SECRET_KEY`` then ``SECRET_KEY_FALLBACKS``, as Django's own signing uses them."""
    from django.conf import settings

    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
