"""Races only a database with row locks can answer (PostgreSQL): payouts and invoice numbers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.concurrency import run_concurrently
from tests.e2e.earnings.conftest import admin_headers, approve_all, approved_reseller, drive_outbox, referred_merchant
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_sandbox_sleeps(settings) -> None:
    settings.SANDBOX_CARD_DELAYS = False


def _earning_reseller(admin: dict[str, str], sale: str, business: str = "Racer") -> dict:
    client = Client()
    reseller = approved_reseller(client, admin, business)
    merchant = referred_merchant(client, reseller["reseller"]["referral_code"])
    pay_card(client, merchant, create_order(client, merchant, amount=sale)["id"])
    drive_outbox()  # on_commit already ran it in this mode; harmless if so
    approve_all(client, admin)
    return reseller


def test_concurrent_payout_requests_never_exceed_the_balance():
    admin = admin_headers(Client())
    reseller = _earning_reseller(admin, "20000.00")  # 2,000.00 bronze commission
    stats = Client().get("/api/v1/resellers/me/stats", headers=reseller["headers"]).json()
    assert stats["balance"]["available"] == "2000.00"
    body = {"amount": "600.00", "method": "upi", "destination": "racer@okaxis"}
    results = run_concurrently(lambda i: post(Client(), "/api/v1/payouts", body, **reseller["headers"]), 10)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] * 3 + [422] * 7, [getattr(r, "content", r) for r in results]
    assert all(r.json()["code"] == "insufficient_balance" for r in results if r.status_code == 422)
    stats = Client().get("/api/v1/resellers/me/stats", headers=reseller["headers"]).json()
    assert stats["balance"]["reserved"] == "1800.00"
    assert stats["balance"]["available"] == "200.00"


def test_concurrent_invoices_get_gap_free_unique_numbers():
    admin = admin_headers(Client())
    resellers = [_earning_reseller(admin, "1000.00", f"Racer {i}") for i in range(6)]
    period = timezone.now().strftime("%Y-%m")
    results = run_concurrently(
        lambda i: post(Client(), "/api/v1/reseller-invoices", {"period": period}, **resellers[i]["headers"]), 6
    )
    assert [r.status_code for r in results] == [201] * 6, [getattr(r, "content", r) for r in results]
    numbers = sorted(r.json()["number"] for r in results)
    prefix = f"INV-{period.replace('-', '')}-"
    assert numbers == [f"{prefix}{n:04d}" for n in range(1, 7)]


def test_one_reseller_issuing_twice_at_once_gets_one_invoice():
    admin = admin_headers(Client())
    reseller = _earning_reseller(admin, "1000.00")
    period = timezone.now().strftime("%Y-%m")
    results = run_concurrently(
        lambda i: post(Client(), "/api/v1/reseller-invoices", {"period": period}, **reseller["headers"]), 4
    )
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409]
    listed = Client().get("/api/v1/reseller-invoices", headers=reseller["headers"]).json()["items"]
    assert len(listed) == 1


def test_the_same_capture_event_processed_concurrently_creates_one_commission():
    from adapters.django_orm.earnings.models import CommissionRecord
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints.bootstrap import container

    admin = admin_headers(Client())
    reseller = _earning_reseller(admin, "100.00")
    message = OutboxMessage.objects.filter(topic="event.earnings").first()
    assert message is not None

    def replay(_: int) -> str:
        OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.PENDING)
        return container().process_outbox_message(str(message.pk)).status

    run_concurrently(replay, 6)
    assert CommissionRecord.objects.filter(reseller_id=reseller["reseller"]["id"]).count() == 1
