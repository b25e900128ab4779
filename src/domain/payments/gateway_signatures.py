"""How Cashfree and SSLCommerz sign what they send us, as pure functions.

Cashfree (webhooks): ``base64(HMAC-SHA256(key=client secret, msg=x-webhook-timestamp + raw body))``,
over the raw bytes exactly as received (re-serialised JSON turns ``170.00`` into ``170`` and breaks it).
The timestamp is in milliseconds. This is what the official SDK's ``PGVerifyWebhookSignature`` does.

SSLCommerz (IPN): take every field named in the comma-separated ``verify_key``, add
``store_passwd = md5(store password)`` (hex), sort by key, join ``key=value`` with ``&`` (decoded
values, no re-encoding), and compare ``md5`` of that string with ``verify_sign`` — the official
``sslcommerz-lib`` ``hash_validate_ipn``.

Comparisons are constant-time. Both sides (our verification and the local simulators' signing)
use these functions, and tests check them against the providers' own code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

CASHFREE_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000


def cashfree_signature(secret: str, timestamp: str, raw_body: bytes) -> str:
    message = timestamp.encode("utf-8") + raw_body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def cashfree_signature_valid(secret: str, timestamp: str, raw_body: bytes, signature: str) -> bool:
    if not secret or not timestamp or not signature:
        return False
    expected = cashfree_signature(secret, timestamp, raw_body)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8", "replace"))


def cashfree_timestamp_fresh(timestamp: str, now_ms: int, tolerance_ms: int = CASHFREE_TIMESTAMP_TOLERANCE_MS) -> bool:
    """True when the millisecond timestamp is within the tolerance of now, either side."""
    raw = timestamp.strip()
    if not raw.isdigit() or len(raw) > 16:
        return False
    return abs(now_ms - int(raw)) <= tolerance_ms


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def sslcommerz_hash_string(fields: Mapping[str, str], store_password: str) -> str | None:
    """The string SSLCommerz signs, or None when ``verify_key`` names a field that is not there."""
    verify_key = fields.get("verify_key", "")
    if not verify_key:
        return None
    signed: dict[str, str] = {}
    for name in verify_key.split(","):
        if name not in fields:
            return None
        signed[name] = fields[name]
    signed["store_passwd"] = _md5(store_password)
    return "&".join(f"{key}={signed[key]}" for key in sorted(signed))


def sslcommerz_verify_sign(fields: Mapping[str, str], store_password: str) -> str | None:
    hash_string = sslcommerz_hash_string(fields, store_password)
    return _md5(hash_string) if hash_string is not None else None


def sslcommerz_sign_fields(fields: Mapping[str, str], store_password: str) -> dict[str, str]:
    """Adds ``verify_key`` (every field given, in order) and ``verify_sign``: what SSLCommerz posts."""
    signed = dict(fields)
    signed["verify_key"] = ",".join(name for name in fields if name not in {"verify_key", "verify_sign"})
    signed["verify_sign"] = sslcommerz_verify_sign(signed, store_password) or ""
    return signed


def sslcommerz_signature_valid(fields: Mapping[str, str], store_password: str) -> bool:
    received = fields.get("verify_sign", "")
    expected = sslcommerz_verify_sign(fields, store_password)
    if not received or expected is None or not store_password:
        return False
    return hmac.compare_digest(expected.encode("ascii"), received.strip().lower().encode("utf-8", "replace"))
