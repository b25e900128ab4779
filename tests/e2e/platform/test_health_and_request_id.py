from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_root_health_is_seed_004_shape(http):
    response = http.get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "HEALTHY"
    assert datetime.fromisoformat(body["current_time"].replace("Z", "+00:00")).tzinfo is not None


def test_liveness(http):
    assert http.get("/healthz").json() == {"status": "ok"}


def test_liveness_answers_the_bytes_ninja_renders_for_its_schema(http, rf):
    """/healthz answers constant bytes (issue 15): they must stay what Ninja would render for LiveOut."""
    from entrypoints.api.app import api
    from entrypoints.api.health import LiveOut

    response = http.get("/healthz")
    rendered = api.renderer.render(rf.get("/healthz"), LiveOut(status="ok").model_dump(), response_status=200)
    assert response.content == (rendered.encode() if isinstance(rendered, str) else rendered)
    assert response["Content-Type"] == f"{api.renderer.media_type}; charset={api.renderer.charset}"


def test_readiness_checks_database_and_queue(http):
    response = http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "queue": "ok"}


def test_readiness_names_what_failed(http, monkeypatch):
    from huey.contrib.djhuey import HUEY

    def down():
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(HUEY.storage, "queue_size", down)
    body = assert_problem(http.get("/readyz"), 503, "not_ready")
    assert "queue" in body["detail"]
    assert body["checks"]["database"] == "ok"


def test_request_id_is_echoed(http):
    response = http.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"


def test_request_id_is_generated_when_missing_or_unsafe(http):
    generated = http.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    unsafe = http.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})["X-Request-ID"]
    assert unsafe != "bad id\nwith newline"
    assert len(unsafe) == 32


def test_log_lines_carry_request_and_user_ids(http, caplog):
    from tests.helpers import bearer, register

    session = register(http, "customer")
    caplog.clear()
    http.get("/api/v1/auth/me", headers={**bearer(session["access"]), "X-Request-ID": "trace-me-1"})
    events = [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("request_id") == "trace-me-1"]
    assert events
    assert events[-1]["user_id"] == session["user"]["id"]
