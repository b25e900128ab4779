"""Shared fixtures.

Tests run on whatever DATABASE_URL names (SQLite by default, PostgreSQL in CI). Tests that
need real row locks or a real Redis are marked; in CI (PARTNERPAY_REQUIRE_SERVICES=1) a
missing service fails them instead of skipping them, so nothing passes by not running.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from hypothesis import settings

from tests.properties import DEEP

if DEEP:  # `make test-deep`: every property test with thousands of examples (tests/properties.py)
    settings.load_profile("deep")

REQUIRE_SERVICES = os.environ.get("PARTNERPAY_REQUIRE_SERVICES") == "1"


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not items and REQUIRE_SERVICES:
        raise pytest.UsageError("no tests collected")


@pytest.fixture(autouse=True)
def _service_markers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _skip_or_fail("PostgreSQL (set DATABASE_URL=postgres://...)")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _skip_or_fail("Redis (set REDIS_URL)")


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate() -> Iterator[None]:
    """End-to-end tests run background jobs inline, as they would run after commit."""
    from huey.contrib.djhuey import HUEY

    from entrypoints.tasks.queues import set_immediate

    previous = HUEY.immediate
    set_immediate(True)
    yield
    set_immediate(previous)


@pytest.fixture(autouse=True)
def _fresh_container() -> Iterator[None]:
    from django.core.cache import cache
    from django.test.signals import setting_changed

    from entrypoints import bootstrap

    # The composition root reads settings when it builds: a test that changes one (the ``settings``
    # fixture) gets a container built with the new value on its next use.
    def rebuild(**kwargs: object) -> None:
        bootstrap.reset_container()

    setting_changed.connect(rebuild, dispatch_uid="partnerpay-rebuild-container")
    bootstrap.reset_container()
    cache.clear()
    yield
    setting_changed.disconnect(dispatch_uid="partnerpay-rebuild-container")
    bootstrap.reset_container()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture
def http() -> Client:
    """A client for the whole Django stack (middleware included), JSON by default."""
    return Client(HTTP_HOST="testserver")


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:12]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
