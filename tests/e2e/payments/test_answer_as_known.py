"""Phase 3 of a card payment takes the payment and order as phase 1 left them (row_versions), in one
statement that locks both and checks they are still those versions of their rows. These tests change a
row while the provider is being asked (phase 2, no transaction open) and check the answer is then
applied the locked way, exactly once, with what the rows hold now (PostgreSQL: versions are ``xmin``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from adapters.django_orm.payments.models import OrderRecord, PaymentRecord, RefundRecord, StatsDelta
from adapters.django_orm.platform.models import EventRecord
from adapters.providers.sandbox_card import SandboxCardGateway
from application.payments.ports import GatewayRequest, GatewayResult
from entrypoints import bootstrap
from tests.e2e.payments.conftest import create_order, pay_card
from tests.helpers import post, register
from tests.wire import traced

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def merchant(settings) -> dict[str, Any]:
    settings.SANDBOX_CARD_DELAYS = False
    bootstrap.container().dispatch = None  # outbox messages stay queued: only the request's own writes
    session = register(Client(), "merchant")
    session["headers"] = {"X-API-Key": session["api_key"]}
    return session


def _while_the_provider_is_asked(monkeypatch, meanwhile) -> None:  # type: ignore[no-untyped-def]
    """``meanwhile(payment_id)`` runs during the provider call of the next card payment, then it answers."""
    start = SandboxCardGateway.start

    def start_after(self: SandboxCardGateway, request: GatewayRequest) -> GatewayResult:
        meanwhile(request.payment_id)
        return start(self, request)

    monkeypatch.setattr(SandboxCardGateway, "start", start_after)


def _events(payment_id: str) -> list[str]:
    """The types of the payment's events (each carries the payment as it was: ``object``)."""
    return sorted(EventRecord.objects.filter(data__object__id=payment_id).values_list("type", flat=True))


def _captures(seller_id: str) -> int:
    return sum(StatsDelta.objects.filter(seller_id=seller_id).values_list("successful_payments", flat=True))


def test_nothing_in_the_way_the_answer_is_one_statement_and_everything_is_written(merchant):
    order = create_order(Client(), merchant)
    with traced() as wire:
        response = pay_card(Client(), merchant, order["id"])
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "captured"
    # The order read, the intent, the answer with its guard: three statements, no BEGIN, no COMMIT.
    assert len(wire.statements) == 3, wire.statements
    assert "partnerpay_rows_unchanged" in wire.statements[-1]
    payment = PaymentRecord.objects.get(pk=response.json()["id"])
    assert (payment.status, payment.started_at is not None, payment.next_check_at) == ("captured", True, None)
    assert OrderRecord.objects.get(pk=order["id"]).status == "paid"
    assert "payment.captured" in _events(str(payment.id))
    assert _captures(payment.seller_id) == 1


def test_an_order_cancelled_during_the_provider_call_gets_its_money_back(merchant, monkeypatch):
    order = create_order(Client(), merchant)

    def cancel(_: str) -> None:
        # The merchant cancels while the card is being charged (its own committed transaction).
        response = post(Client(), f"/api/v1/orders/{order['id']}/cancel", {}, **merchant["headers"])
        assert response.status_code == 200, response.content

    _while_the_provider_is_asked(monkeypatch, cancel)
    response = pay_card(Client(), merchant, order["id"])
    assert response.status_code == 201, response.content
    body = response.json()
    # Applied under lock to the order as it is now: the money taken is returned, never kept.
    assert (body["status"], body["failure_code"]) == ("failed", "order_closed")
    assert OrderRecord.objects.get(pk=order["id"]).status == "cancelled"
    assert RefundRecord.objects.filter(payment_id=body["id"], kind="return").count() == 1
    assert _captures(merchant["user"]["id"]) == 0


def test_an_answer_recovery_applied_during_the_provider_call_is_applied_once(merchant, monkeypatch):
    order = create_order(Client(), merchant)

    def recovery_applies_it(payment_id: str) -> None:
        # A webhook or the recovery job brings the same answer first (started_at set, the order paid).
        bootstrap.container().payments.payment_settle(
            payment_id=payment_id, result=GatewayResult(status="captured", reference=f"sandbox_{payment_id}")
        )

    _while_the_provider_is_asked(monkeypatch, recovery_applies_it)
    response = pay_card(Client(), merchant, order["id"])
    assert response.status_code == 201, response.content
    payment = PaymentRecord.objects.get(pk=response.json()["id"])
    assert payment.status == "captured"
    assert OrderRecord.objects.get(pk=order["id"]).status == "paid"
    assert _events(str(payment.id)).count("payment.captured") == 1  # not twice
    assert _captures(payment.seller_id) == 1


def test_a_row_changed_in_a_way_that_keeps_its_answer_still_takes_the_locked_way(merchant, monkeypatch):
    """Any new version of a row fails the guard, whatever changed: here only the order's description."""
    order = create_order(Client(), merchant)

    def touch(_: str) -> None:
        OrderRecord.objects.filter(pk=order["id"]).update(description="changed", updated_at=timezone.now())

    _while_the_provider_is_asked(monkeypatch, touch)
    with traced() as wire:
        response = pay_card(Client(), merchant, order["id"])
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "captured"
    # The guarded statement failed whole, then the locked way: BEGIN, the locked read, the writes, COMMIT.
    assert any("partnerpay_rows_unchanged" in sql for sql in wire.statements)
    assert wire.statements[-1] == "COMMIT"
    order_row = OrderRecord.objects.get(pk=order["id"])
    assert (order_row.status, order_row.description) == ("paid", "changed")  # nothing of the change lost
    assert _events(response.json()["id"]).count("payment.captured") == 1
    with connection.cursor() as cursor:  # the guard left no transaction open behind it
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted")
        assert cursor.fetchone()[0] == 0


def test_the_process_dies_after_the_providers_yes_and_recovery_captures_it_once(merchant, monkeypatch):
    """Killed between the provider's answer and the guarded statement: the intent stays committed and
    unanswered, and recovery asks the processor and applies its yes once."""
    from application.payments import payments as payment_cases

    order = create_order(Client(), merchant)

    def killed(*args: Any, **kwargs: Any) -> bool:
        raise SystemExit("killed between phase 2 and phase 3")

    monkeypatch.setattr(payment_cases, "_apply_start_as_known", killed)
    with pytest.raises(SystemExit):
        pay_card(Client(), merchant, order["id"])
    monkeypatch.undo()
    (intent,) = PaymentRecord.objects.filter(order_id=order["id"])
    assert (intent.status, intent.started_at, intent.next_check_at is not None) == ("pending", None, True)
    assert OrderRecord.objects.get(pk=order["id"]).status == "created"

    counts = bootstrap.container().payments.payments_reconcile(all_due_now=True)
    assert counts["recovered"] == 1, counts
    recovered = PaymentRecord.objects.get(pk=intent.id)
    assert (recovered.status, recovered.started_at is not None, recovered.next_check_at) == ("captured", True, None)
    assert OrderRecord.objects.get(pk=order["id"]).status == "paid"
    assert _events(str(intent.id)).count("payment.captured") == 1
    assert _captures(recovered.seller_id) == 1
    # A second pass finds nothing due: applied once.
    assert bootstrap.container().payments.payments_reconcile(all_due_now=True).get("recovered", 0) == 0
