"""Ingest end-to-end tests run the background job inline and without the seed's 30 s delay."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _instant_processing(settings: Any) -> Iterator[None]:
    from entrypoints import bootstrap

    settings.TRANSACTION_PROCESSING_DELAY_SECONDS = 0
    bootstrap.reset_container()
    yield
    bootstrap.reset_container()


@pytest.fixture
def webhook() -> dict[str, Any]:
    """Seed 004's example body with a fresh transaction id."""
    return {
        "transaction_id": f"txn_{uuid.uuid4().hex[:16]}",
        "source_account": "acc_user_789",
        "destination_account": "acc_merchant_456",
        "amount": 1500,
        "currency": "INR",
    }


def send(client: Any, body: Any, path: str = "/v1/webhooks/transactions") -> Any:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=raw, content_type="application/json")
