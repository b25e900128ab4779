from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.helpers import admin_token, bearer, post, register, with_routing

APPROVE = "4242424242424242"
DECLINE = "4000000000000002"
PENDING = "4000000000000259"


@pytest.fixture(autouse=True)
def _no_sandbox_sleeps(settings) -> None:
    settings.SANDBOX_CARD_DELAYS = False


def session_headers(session: dict[str, Any]) -> dict[str, Any]:
    session["headers"] = bearer(session["access"])
    return session


def new_vendor(http: Client, admin: dict[str, str] | None = None, *, business_name: str = "Ravi Motors") -> dict:
    session = session_headers(
        register(http, "vendor", profile={"business_name": business_name, "address": "12 MG Road, Pune"})
    )
    if admin is not None:
        response = post(http, f"/api/v1/admin/vendors/{session['user']['id']}/activate", **admin)
        assert response.status_code == 200, response.content
    return session


@pytest.fixture
def admin(http) -> dict[str, str]:
    return bearer(admin_token(http))


@pytest.fixture
def vendor(http, admin) -> dict[str, Any]:
    return new_vendor(http, admin)


@pytest.fixture
def customer(http) -> dict[str, Any]:
    return session_headers(register(http, "customer"))


def create_service(http: Client, vendor: dict, **body: Any) -> dict:
    payload = {"name": "Engine repair", "description": "Full engine service", "category": "engine", **body}
    response = post(http, "/api/v1/services", payload, **vendor["headers"])
    assert response.status_code == 201, response.content
    return response.json()


def create_variant(http: Client, vendor: dict, service_id: str, **body: Any) -> dict:
    payload = {"name": "Premium", "price": "1500.00", "currency": "INR", "stock": 5, **body}
    response = post(http, f"/api/v1/services/{service_id}/variants", payload, **vendor["headers"])
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def variant(http, vendor) -> dict[str, Any]:
    service = create_service(http, vendor)
    return create_variant(http, vendor, service["id"])


def order(
    http: Client,
    customer: dict,
    variant_id: str,
    quantity: Any = 1,
    method: str = "card",
    headers: dict[str, str] | None = None,
    **extra: Any,
):
    body: dict[str, Any] = {"variant_id": variant_id, "quantity": quantity, "method": method, **extra}
    if method == "card" and "card" not in extra:
        body["card"] = {"number": APPROVE, "expiry": "12/35", "cvv": "123"}
    return post(http, "/api/v1/marketplace/orders", body, **customer["headers"], **(headers or {}))


def pay_with(number: str) -> dict[str, Any]:
    return {"card": {"number": number, "expiry": "12/35", "cvv": "123"}}


def variant_state(http: Client, vendor: dict, variant: dict) -> dict:
    detail = http.get(f"/api/v1/services/{variant['service_id']}", headers=vendor["headers"]).json()
    return next(v for v in detail["variants"] if v["id"] == variant["id"])


def drain() -> int:
    """Run the marketplace's outbox messages (event reactions, invoices) inline, as a worker would."""
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints import bootstrap

    container = bootstrap.container()
    processed = 0
    for _ in range(20):
        due = list(
            OutboxMessage.objects.filter(
                topic__in=with_routing(["event.marketplace", "marketplace.invoice"]),
                status=OutboxMessage.Status.PENDING,
                next_attempt_at__lte=container.clock.now(),
            ).values_list("id", flat=True)
        )
        if not due:
            return processed
        for message_id in due:
            container.process_outbox_message(str(message_id))
            processed += 1
    raise AssertionError("the marketplace outbox did not drain")


class ShiftedClock:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def now(self):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime, timedelta

        return datetime.now(UTC) + timedelta(seconds=self.seconds)


def shift_clock(seconds: float) -> None:
    """Moves the composition root's clock (jobs, handlers, use cases) forward: the platform's, and the one
    the payments services were built with."""
    from entrypoints import bootstrap

    clock = ShiftedClock(seconds)
    built = bootstrap.container()
    built.clock = built.payments.clock = built.catalog.clock = clock
