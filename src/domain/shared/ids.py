"""Identifiers: UUIDs everywhere, generated in the domain so aggregates know their id before saving."""

from __future__ import annotations

import uuid


def new_id() -> uuid.UUID:
    return uuid.uuid4()
