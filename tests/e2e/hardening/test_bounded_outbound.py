"""Outbound webhook calls are bounded: a total deadline per attempt, a per-endpoint cap, a breaker."""

from __future__ import annotations

import time

import pytest

from adapters.cache.endpoint_guard import CacheEndpointGuard
from adapters.gateways.webhook_sender import HttpxWebhookSender
from application.notifications.ports import Destination
from domain.notifications.url_rules import parse_target
from tests.e2e.hardening.drip import DripServer


@pytest.fixture
def drip():
    server = DripServer(interval=0.5).start()
    yield server
    server.stop()


def test_a_dripping_receiver_cannot_hold_an_attempt_past_its_total_deadline(drip) -> None:
    sender = HttpxWebhookSender(timeout=10.0, deadline=2.0)
    target = parse_target(drip.url, allow_private=True)
    started = time.monotonic()
    result = sender.send(destination=Destination(target=target, address="127.0.0.1"), body=b"{}", headers={})
    took = time.monotonic() - started
    # Every byte arrives well within the 10 s read timeout; only the total deadline ends the attempt.
    assert result.status_code is None
    assert "timeout" in (result.error or "").lower() or "deadline" in (result.error or "").lower(), result.error
    assert took < 4.0, took


@pytest.mark.django_db
def test_the_concurrency_cap_is_shared_and_released() -> None:
    guard = CacheEndpointGuard(concurrency=2, failures=3, cooldown_seconds=60, deadline_seconds=15)
    assert guard.acquire("we_1")
    assert guard.acquire("we_1")
    assert not guard.acquire("we_1"), "a third concurrent call to one endpoint is refused"
    assert guard.acquire("we_2"), "another endpoint has its own slots"
    guard.release("we_1")
    assert guard.acquire("we_1")


@pytest.mark.django_db
def test_the_breaker_opens_after_consecutive_failures_and_half_opens_after_the_cooldown() -> None:
    guard = CacheEndpointGuard(concurrency=2, failures=3, cooldown_seconds=1, deadline_seconds=15)
    guard.record("we_1", success=False)
    guard.record("we_1", success=True)  # a success resets the count: failures must be consecutive
    for _ in range(2):
        guard.record("we_1", success=False)
    assert guard.paused_for("we_1") == 0
    guard.record("we_1", success=False)
    assert 0 < guard.paused_for("we_1") <= 1
    assert guard.paused_for("we_2") == 0
    time.sleep(1.1)
    assert guard.paused_for("we_1") == 0, "half-open: one attempt may go"
    guard.record("we_1", success=False)
    assert guard.paused_for("we_1") > 0, "a failure while half-open reopens at once"
    time.sleep(1.1)
    guard.record("we_1", success=True)
    guard.record("we_1", success=False)
    assert guard.paused_for("we_1") == 0, "closed again: one failure is not enough"
