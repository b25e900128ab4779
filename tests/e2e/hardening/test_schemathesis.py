"""Property-based tests over the whole published schema, against a live test server.

Every operation of ``openapi.json`` (the committed schema; a drift test keeps it equal to the live
one) gets a few generated requests, valid and invalid, with a fixed seed so CI runs the same cases
every time. Each answer must not be a 5xx, must carry a documented content type, and must match the
documented schema for its status.

One test walks every operation against one live server and one set of accounts (a test per operation
would flush the database 120 times); every failing operation is reported at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.helpers import STRONG_PASSWORD, bearer, login, make_admin, register

ROOT = Path(__file__).resolve().parents[3]

# A few cases per operation (valid and invalid mixed) keep the run to a couple of minutes (CI: 15 in all).
EXAMPLES_PER_OPERATION = 4
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _role_for(path: str) -> str:
    return "admin" if path.startswith(("/api/v1/admin", "/api/v1/distributors", "/api/v1/resellers")) else "merchant"


def test_whole_api_answers_within_its_schema(live_server, settings) -> None:
    from django.test import Client

    # Jobs run inline in tests (Huey immediate): seed 004's 30 s call would time every ingest out.
    settings.TRANSACTION_PROCESSING_DELAY_SECONDS = 0
    client = Client()
    admin_email, _ = make_admin()
    credentials = {
        "admin": bearer(login(client, admin_email, STRONG_PASSWORD)["access"]),
        "merchant": bearer(register(client, "merchant")["access"]),
    }
    schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi.json").read_text()))
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            sent = dict(credentials[_role_for(case.operation.path)])
            if case.headers and "Authorization" in case.headers:
                sent.pop("Authorization")
            case.call_and_validate(base_url=live_server.url, headers=sent, checks=CHECKS, timeout=20)

        try:
            exercise()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert operations > 100, operations
    assert not failures, "\n\n".join(failures)
