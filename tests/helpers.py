"""Small helpers the e2e tests share: JSON calls and ready-made accounts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.test import Client

STRONG_PASSWORD = "a-long-enough-passphrase-42"


def _split(headers: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """UPPER_CASE names are WSGI environ entries (REMOTE_ADDR); the rest are HTTP headers."""
    meta = {k: v for k, v in headers.items() if k.isupper() and "-" not in k}
    return {k: v for k, v in headers.items() if k not in meta}, meta


def post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    http_headers, meta = _split(headers)
    data = json.dumps(body if body is not None else {})
    return client.post(path, data=data, content_type="application/json", headers=http_headers, **meta)


def patch(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.patch(path, data=json.dumps(body), content_type="application/json", headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: Client, role: str = "merchant", **extra: Any) -> dict[str, Any]:
    email = extra.pop("email", f"{role}-{uuid.uuid4().hex[:10]}@example.com")
    body = {"email": email, "password": STRONG_PASSWORD, "name": f"Test {role}", "role": role, **extra}
    response = post(client, "/api/v1/auth/register", body, REMOTE_ADDR=f"10.9.{uuid.uuid4().int % 250}.1")
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()
    return data


def make_admin(email: str | None = None) -> tuple[str, str]:
    """Creates an admin through the composition root (admins cannot sign up) and returns (email, password)."""
    from entrypoints.bootstrap import container

    email = email or f"admin-{uuid.uuid4().hex[:10]}@example.com"
    container().identity.demo_user_ensure(email=email, password=STRONG_PASSWORD, name="Admin", role="admin")
    return email, STRONG_PASSWORD


def login(client: Client, email: str, password: str = STRONG_PASSWORD) -> dict[str, Any]:
    response = post(client, "/api/v1/auth/token", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def admin_token(client: Client) -> str:
    email, password = make_admin()
    return str(login(client, email, password)["access"])


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


def with_routing(topics: Sequence[str]) -> list[str]:
    """``topics``, and the message that routes published events when one of them is an event subscriber's:
    a publish whose events several subscribers want writes one ``events.route`` message, and the
    subscribers' own messages appear when it runs."""
    from application.shared.events import ROUTE_TOPIC, SUBSCRIBER_TOPIC_PREFIX

    routed = any(topic.startswith(SUBSCRIBER_TOPIC_PREFIX) for topic in topics)
    return [ROUTE_TOPIC, *topics] if routed else list(topics)


def route_events() -> int:
    """Runs the due ``events.route`` messages only: every subscriber's message of what was published
    exists afterwards, and none of them has run."""
    from application.shared.events import ROUTE_TOPIC

    return run_outbox(ROUTE_TOPIC, rounds=1)


def run_outbox(*topics: str, rounds: int = 20) -> int:
    """Runs pending outbox messages inline, as a worker would after commit (tests run inside one
    transaction, so on-commit dispatch never fires). Only the given topics, or all of them."""
    from adapters.django_orm.platform.models import OutboxMessage
    from entrypoints import bootstrap

    container = bootstrap.container()
    processed = 0
    for _ in range(rounds):
        due = OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=container.clock.now()
        )
        if topics:
            due = due.filter(topic__in=with_routing(topics))
        ids = list(due.values_list("id", flat=True))
        if not ids:
            break
        for message_id in ids:
            container.process_outbox_message(str(message_id))
            processed += 1
    return processed
