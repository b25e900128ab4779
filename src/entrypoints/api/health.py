"""Liveness, readiness and the seed-004 health answer at ``/``."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.http import HttpRequest, HttpResponse
from huey.contrib.djhuey import HUEY
from ninja import Router, Schema
from pydantic import Field

from entrypoints import deployment
from entrypoints.api.problems import problem_response

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str
    current_time: datetime


class LiveOut(Schema):
    status: str


class ReadyOut(Schema):
    status: str
    checks: dict[str, str]
    livemode: bool = Field(description="true: a production deployment, sandbox-made money has no real-world effect")
    sandbox_components: list[str] = Field(
        description="Simulated components in use (SANDBOX_COMPONENTS): card, cashfree, sslcommerz, payouts, sap"
    )
    provider_sandboxes: list[str] = Field(
        description="Providers reached with test credentials (their own sandbox), so not real money either"
    )


@router.get("/", response=HealthOut, operation_id="health_root", summary="Service health (seed 004)")
def health_root(request: HttpRequest) -> HealthOut:
    return HealthOut(status="HEALTHY", current_time=datetime.now(UTC))


@router.get("/healthz", response=LiveOut, operation_id="health_live", summary="Liveness: the process answers")
def health_live(request: HttpRequest) -> HttpResponse:
    # The bytes Ninja renders for LiveOut(status="ok"), answered as they are: a load balancer polls this
    # route, and building, validating and serializing a schema for a constant was half its cost (issue 15).
    return HttpResponse(_LIVE_BODY, content_type="application/json; charset=utf-8")


_LIVE_BODY = b'{"status": "ok"}'


@router.get("/readyz", response={200: ReadyOut, 503: ReadyOut}, operation_id="health_ready", summary="Readiness")
def health_ready(request: HttpRequest) -> HttpResponse | ReadyOut:
    checks = _checks()
    described = deployment.describe()
    failed = [name for name, result in checks.items() if result != "ok"]
    if failed:
        return problem_response(
            503,
            "not_ready",
            f"Not ready: {', '.join(failed)} unreachable",
            extra={"checks": checks, **described},
        )
    return ReadyOut(status="ok", checks=checks, **described)


def _checks() -> dict[str, str]:
    """The database answers a query and the queue's storage answers; each failure is named, not raised."""
    checks = {"database": "ok", "queue": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - readiness reports, it does not raise
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        HUEY.storage.queue_size()
    except Exception as exc:  # noqa: BLE001
        checks["queue"] = f"error: {type(exc).__name__}"
    return checks
