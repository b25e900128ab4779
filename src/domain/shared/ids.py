"""Identifiers: UUIDs everywhere, generated in the domain so aggregates know their id before saving."""

from __future__ import annotations

import uuid


def new_id() -> uuid.UUID:
    return uuid.uuid4()


# Ids derived from an Idempotency-Key: the same key (per caller) names the same intent, so a retry
# after a crash resumes the payment or refund it started instead of creating a second one.
_INTENT_NAMESPACE = uuid.UUID("8f0b7a4e-6c1d-4d55-9a7e-2f3c5b1e9d40")


def intent_id(intent_key: str | None) -> uuid.UUID:
    return uuid.uuid5(_INTENT_NAMESPACE, intent_key) if intent_key else new_id()
