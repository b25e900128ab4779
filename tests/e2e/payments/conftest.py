from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import post, register


@pytest.fixture(autouse=True)
def _no_sandbox_sleeps(settings) -> None:
    settings.SANDBOX_CARD_DELAYS = False


@pytest.fixture
def merchant(http) -> dict[str, Any]:
    session = register(http, "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def create_order(http, merchant: dict[str, Any], amount: str = "100.50", currency: str = "INR", **extra: Any) -> dict:
    response = post(http, "/api/v1/orders", {"amount": amount, "currency": currency, **extra}, **merchant["headers"])
    assert response.status_code == 201, response.content
    return response.json()


def pay_card(http, merchant: dict[str, Any], order_id: str, number: str = "4242424242424242", **extra: Any):
    body = {
        "order_id": order_id,
        "method": "card",
        "card": {"number": number, "expiry": "12/35", "cvv": "123"},
        **extra,
    }
    return post(http, "/api/v1/payments", body, **merchant["headers"])
