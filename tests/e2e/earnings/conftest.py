"""Earnings e2e helpers: a reseller through its whole life, and the outbox driven explicitly.

Inside a test transaction on_commit never fires, so the earnings outbox messages (payment
events, registrations, PDFs, payouts) are run here the way the worker would run them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.helpers import admin_token, bearer, post, register, with_routing

EARNINGS_TOPICS = ("event.earnings", "identity.user.registered", "earnings.invoice.render", "earnings.payout.process")


@pytest.fixture(autouse=True)
def _no_sandbox_sleeps(settings) -> None:
    settings.SANDBOX_CARD_DELAYS = False


def drive_outbox() -> int:
    """Runs every due earnings message (and any they enqueue) to completion; returns how many ran."""
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints.bootstrap import container

    ran = 0
    for _ in range(10):
        due = list(
            OutboxMessage.objects.filter(
                status=OutboxMessage.Status.PENDING, topic__in=with_routing(EARNINGS_TOPICS)
            ).values_list("id", flat=True)
        )
        if not due:
            break
        for message_id in due:
            outcome = container().process_outbox_message(str(message_id))
            assert outcome.status in {"done", "skipped"}, outcome
            ran += 1
    return ran


def admin_headers(client: Client) -> dict[str, str]:
    return bearer(admin_token(client))


def approved_reseller(client: Client, admin: dict[str, str], business: str = "Ravi Resells") -> dict[str, Any]:
    session = register(client, "reseller")
    headers = bearer(session["access"])
    applied = post(client, "/api/v1/resellers", {"business_name": business}, **headers)
    assert applied.status_code == 201, applied.content
    approved = post(client, f"/api/v1/resellers/{applied.json()['id']}/approve", {}, **admin)
    assert approved.status_code == 200, approved.content
    return {"session": session, "headers": headers, "reseller": approved.json()}


def referred_merchant(client: Client, code: str) -> dict[str, Any]:
    session = register(client, "merchant", referral_code=code)
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def approve_all(client: Client, admin: dict[str, str]) -> None:
    page = client.get("/api/v1/commissions?status=pending&limit=100", headers=admin).json()
    for item in page["items"]:
        assert post(client, f"/api/v1/commissions/{item['id']}/approve", {}, **admin).status_code == 200
