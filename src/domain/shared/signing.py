"""Standard Webhooks signatures (https://www.standardwebhooks.com): pure HMAC, no I/O.

A secret is shown to the merchant as ``whsec_<base64 of 32 random bytes>``; the HMAC key is the
decoded bytes. The signed content is ``"{webhook-id}.{webhook-timestamp}.{body}"``. During a
rotation's grace period both secrets sign, and the header carries both signatures separated by
a space, so a receiver holding either secret accepts the message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from domain.shared.errors import InvalidValue

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key a ``whsec_...`` secret stands for."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidValue("A webhook secret starts with whsec_", code="invalid_secret")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidValue("The webhook secret is not valid base64", code="invalid_secret") from None
    if not key:
        raise InvalidValue("The webhook secret is empty", code="invalid_secret")
    return key


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(signing_secrets: Sequence[str], *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: one signature per secret, space-separated."""
    if not signing_secrets:
        raise InvalidValue("An endpoint needs a secret to sign with", code="invalid_secret")
    return " ".join(sign(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in signing_secrets)


def verify(
    signing_secrets: Sequence[str], *, msg_id: str, timestamp: int, body: bytes, signature_header_value: str
) -> bool:
    """True when any ``v1,`` signature in the header matches any secret (constant-time compare).

    The receiving half of the scheme: used for inbound signed senders (transaction sources).
    """
    presented = [part.split(",", 1)[1].encode() for part in signature_header_value.split() if part.startswith("v1,")][
        :10
    ]
    if not presented:
        return False
    matched = False
    for secret in signing_secrets:
        expected = sign(secret, msg_id=msg_id, timestamp=timestamp, body=body).split(",", 1)[1].encode()
        for candidate in presented:
            matched |= hmac.compare_digest(expected, candidate)
    return matched
