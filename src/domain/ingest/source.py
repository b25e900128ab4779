"""A registered transaction source: a sender that signs its webhooks per Standard Webhooks.

An admin registers the source and gets its ``whsec_`` secret once. The source signs each message
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``); a rotation keeps the old secret valid
for a grace period, as for merchants' webhook endpoints, so a sender can switch without loss.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.shared.errors import InvalidValue
from domain.shared.signing import new_secret, verify

ROTATION_GRACE = timedelta(hours=24)
MAX_NAME_LENGTH = 100
# Standard Webhooks: receivers reject timestamps more than five minutes away from their clock.
DEFAULT_TOLERANCE = timedelta(minutes=5)
MAX_MESSAGE_ID_LENGTH = 128


class SignatureCheck:
    OK = "ok"
    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"


@dataclass(kw_only=True, slots=True)
class TransactionSource:
    id: str
    name: str
    secret: str
    created_at: datetime
    enabled: bool = True
    disabled_at: datetime | None = None
    previous_secret: str = ""
    previous_secret_expires_at: datetime | None = None

    @classmethod
    def create(cls, *, id: str, name: str, now: datetime) -> TransactionSource:
        cleaned = name.strip()
        if not cleaned or len(cleaned) > MAX_NAME_LENGTH or not cleaned.isprintable():
            raise InvalidValue(
                f"name must be 1 to {MAX_NAME_LENGTH} printable characters", code="invalid_name", field="name"
            )
        return cls(id=id, name=cleaned, secret=new_secret(), created_at=now)

    def __repr__(self) -> str:  # never print secrets, whoever logs the object
        return f"TransactionSource(id={self.id!r}, name={self.name!r}, enabled={self.enabled})"

    def verifying_secrets(self, now: datetime) -> list[str]:
        found = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            found.append(self.previous_secret)
        return found

    def rotate_secret(self, *, now: datetime, grace: timedelta = ROTATION_GRACE) -> str:
        """A new secret from now on; the current one is still accepted for ``grace``."""
        self.previous_secret, self.previous_secret_expires_at = self.secret, now + grace
        self.secret = new_secret()
        return self.secret

    def disable(self, *, now: datetime) -> None:
        if self.enabled:
            self.enabled = False
            self.disabled_at = now

    def check_signature(
        self,
        *,
        msg_id: str,
        timestamp: str,
        signature: str,
        body: bytes,
        now: datetime,
        tolerance: timedelta = DEFAULT_TOLERANCE,
    ) -> str:
        """One of SignatureCheck's values; the timestamp is checked first, as Standard Webhooks does."""
        if not msg_id or not timestamp or not signature or len(msg_id) > MAX_MESSAGE_ID_LENGTH:
            return SignatureCheck.MISSING
        if not msg_id.isprintable():
            return SignatureCheck.INVALID
        try:
            sent = int(timestamp)
        except ValueError:
            return SignatureCheck.INVALID
        if abs(now.timestamp() - sent) > tolerance.total_seconds():
            return SignatureCheck.EXPIRED
        ok = verify(
            self.verifying_secrets(now), msg_id=msg_id, timestamp=sent, body=body, signature_header_value=signature
        )
        return SignatureCheck.OK if ok else SignatureCheck.INVALID

    def holds_secret(self, presented: str, now: datetime) -> bool:
        """A read by the source itself presents its secret as a bearer credential."""
        matched = False
        for secret in self.verifying_secrets(now):
            matched |= hmac.compare_digest(secret.encode(), presented.encode())
        return matched
