"""One check, run against a live server on PostgreSQL and on SQLite: a provider hangs, nobody else waits."""

from __future__ import annotations

import threading
import time

import httpx

from tests.e2e.gateways.fake_providers import FakeProviders

HANG_SECONDS = 5.0
NOBODY_WAITS_SECONDS = 1.0


def assert_a_hanging_provider_delays_no_one(base: str, api_key: str, fake: FakeProviders) -> None:
    """While Cashfree takes 5 s to answer a payment's start, the same merchant reads and creates orders."""
    headers = {"X-API-Key": api_key}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
        order = api.post("/api/v1/orders", json={"amount": "10.00", "currency": "INR"}).json()
        fake.state.hang_seconds = HANG_SECONDS
        answered: dict[str, httpx.Response] = {}

        def pay_slowly() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as slow:
                body = {"order_id": order["id"], "method": "cashfree"}
                answered["payment"] = slow.post("/api/v1/payments", json=body)

        payer = threading.Thread(target=pay_slowly)
        payer.start()
        while not fake.seen("POST", "/pg/orders"):
            time.sleep(0.02)  # the provider call is now in flight
        started = time.monotonic()
        assert api.get(f"/api/v1/orders/{order['id']}").status_code == 200
        read_took = time.monotonic() - started
        started = time.monotonic()
        assert api.post("/api/v1/orders", json={"amount": "11.00", "currency": "INR"}).status_code == 201
        create_took = time.monotonic() - started
        payer.join(timeout=30)
    assert read_took < NOBODY_WAITS_SECONDS, read_took
    assert create_took < NOBODY_WAITS_SECONDS, create_took
    assert answered["payment"].status_code == 201, answered["payment"].text
    assert answered["payment"].json()["status"] == "pending"
