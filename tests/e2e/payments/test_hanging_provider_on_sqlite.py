"""The embedded default (`make run`: SQLite, Django's threaded server) while a provider hangs.

The suite's database may be PostgreSQL (CI), so this starts the real server in a subprocess on a
SQLite file of its own: a Cashfree that takes 5 s to answer a payment's start must not stop the
same merchant from reading and creating orders — which it would if the call ran inside a
transaction (SQLite's one writer lock) or under the order's row lock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.gateways.conftest import CF_CLIENT_ID, CF_SECRET
from tests.e2e.gateways.fake_providers import FakeProviders
from tests.e2e.gateways.hanging import assert_a_hanging_provider_delays_no_one
from tests.helpers import STRONG_PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def sqlite_server(tmp_path):
    fake = FakeProviders().start()
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PRODUCTION", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "PARTNERPAY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'partnerpay.sqlite3'}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CASHFREE_BASE_URL": fake.url,
        "CASHFREE_CLIENT_ID": CF_CLIENT_ID,
        "CASHFREE_CLIENT_SECRET": CF_SECRET,
        "GATEWAY_HTTP_TIMEOUT_SECONDS": "20",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, fake
    finally:
        server.terminate()
        server.wait(timeout=20)
        fake.stop()


@pytest.mark.slow
def test_a_hanging_provider_delays_no_one_else_on_sqlite(sqlite_server):
    base, fake = sqlite_server
    signup = {"email": "m@example.com", "password": STRONG_PASSWORD, "name": "M", "role": "merchant"}
    registered = httpx.post(f"{base}/api/v1/auth/register", json=signup, timeout=30)
    assert registered.status_code == 201, registered.text
    assert_a_hanging_provider_delays_no_one(base, registered.json()["api_key"], fake)
