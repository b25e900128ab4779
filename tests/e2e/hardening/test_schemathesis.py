"""Property-based tests over the whole published schema, against a live test server.

Every operation of ``openapi.json`` (the committed schema; a drift test keeps it equal to the live
one) gets a few generated requests, valid and invalid, with a fixed seed so CI runs the same cases
every time. Each answer must not be a 5xx, must carry a documented content type, and must match the
documented schema for its status.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.helpers import STRONG_PASSWORD, bearer, login, make_admin, register

ROOT = Path(__file__).resolve().parents[3]
schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi.json").read_text()))

# A handful of cases per operation keeps the whole run to a minute or two (CI's budget is 15 minutes).
EXAMPLES_PER_OPERATION = 3
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def credentials(live_server, settings) -> dict[str, dict[str, str]]:
    from django.test import Client

    # Jobs run inline in tests (Huey immediate): seed 004's 30 s call would time every ingest out.
    settings.TRANSACTION_PROCESSING_DELAY_SECONDS = 0

    client = Client()
    admin_email, _ = make_admin()
    return {
        "admin": bearer(login(client, admin_email, STRONG_PASSWORD)["access"]),
        "merchant": bearer(register(client, "merchant")["access"]),
    }


def _role_for(path: str) -> str:
    return "admin" if path.startswith(("/api/v1/admin", "/api/v1/distributors", "/api/v1/resellers")) else "merchant"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_whole_api_answers_within_its_schema(case, live_server, credentials) -> None:
    headers = dict(credentials[_role_for(case.path)])
    if case.headers and "Authorization" in case.headers:
        headers.pop("Authorization")
    case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS, timeout=20)
