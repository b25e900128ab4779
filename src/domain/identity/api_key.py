"""Merchant API keys: a random secret shown once, recognised later by its hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

KEY_PREFIX = "ppk_"
DISPLAY_PREFIX_LENGTH = 12


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    user_id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """The only moment the plaintext exists: returned to the caller, never stored."""

    plaintext: str
    prefix: str
    hash: str


def hash_api_key(plaintext: str) -> str:
    # 256 bits of randomness make a plain SHA-256 safe against guessing (as GitHub and Stripe do).
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue_api_key() -> IssuedKey:
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    return IssuedKey(plaintext=plaintext, prefix=plaintext[:DISPLAY_PREFIX_LENGTH], hash=hash_api_key(plaintext))
