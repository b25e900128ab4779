"""Live is live: production settings booted in a subprocess, as an operator would start them.

Settings are read at import, so a subprocess with the environment is the honest way to see what a
production start wires. Each run migrates a SQLite file of its own and drives the HTTP stack with
Django's test client (over "https", as behind the TLS proxy).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import json, os, sys
sys.path[:0] = ["src", "."]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.main")
import django
django.setup()
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
from entrypoints.bootstrap import container

container()

def name(adapter):  # the adapter behind the outside-transactions guard
    return type(getattr(adapter, "wrapped", adapter)).__name__ if adapter is not None else None

out = {
    "gateways": {key: name(g) for key, g in sorted(container().payments.gateways.items())},
    "payout_gateway": name(container().earnings.payout_gateway),
    "erp_gateway": name(container().erp.gateway),
    "simulators": {},
}
c = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
for path in ("/simulators/cashfree/pg/orders", "/simulators/sslcommerz/gwprocess/v4/api.php",
             "/simulators/sap/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner"):
    r = c.get(path)
    out["simulators"][path] = [r.status_code, r["Content-Type"], r.json().get("code")]
ready = c.get("/readyz")
out["readyz"] = [ready.status_code, ready.json()]
reg = c.post("/api/v1/auth/register", {"email": "shop@example.com", "password": "a-long-enough-passphrase-42",
             "name": "Shop", "role": "merchant"}, content_type="application/json")
key = reg.json()["api_key"]
order = c.post("/api/v1/orders", {"amount": "9999999.99", "currency": "INR"}, content_type="application/json",
               HTTP_X_API_KEY=key).json()
pay = c.post("/api/v1/payments", {"order_id": order["id"], "method": "card",
             "card": {"number": "4242424242424242", "expiry": "12/35", "cvv": "123"}},
             content_type="application/json", HTTP_X_API_KEY=key)
out["card"] = [pay.status_code, pay["Content-Type"], pay.json()]
out["order_after"] = c.get(f"/api/v1/orders/{order['id']}", HTTP_X_API_KEY=key).json()["status"]
out["admin_header"] = str(admin.site.site_header)  # set when the URL map loads
print("RESULT " + json.dumps(out))
"""


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SANDBOX_", "GATEWAY_", "SAP_", "CASHFREE_"))}
    return keep | {
        "PRODUCTION": "true",
        "DEBUG": "false",
        "SECRET_KEY": "live-is-live-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"),
        "PARTNERPAY_DATA_DIR": str(tmp_path),
        "HUEY_IMMEDIATE": "true",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _run(env: dict[str, str], script: str = SCRIPT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _result(env: dict[str, str]) -> dict[str, Any]:
    done = _run(env)
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


@pytest.mark.redis  # production settings use Redis for the cache and rate limits
def test_production_wires_nothing_simulated_and_refuses_card(tmp_path):
    result = _result(_production_env(tmp_path))
    # No sandbox adapter is resolvable from the composition root.
    assert result["gateways"] == {"bank_transfer": "BankTransferGateway"}
    assert result["payout_gateway"] is None
    assert result["erp_gateway"] is None
    # Simulators are never mounted: their URLs are plain problem+json 404s.
    for path, (status, content_type, code) in result["simulators"].items():
        assert (status, content_type, code) == (404, "application/problem+json", "not_found"), path
    # The sandbox card processor is not a way to pay: a clear problem, and the order stays unpaid.
    status, content_type, body = result["card"]
    assert (status, content_type) == (422, "application/problem+json")
    assert body["code"] == "payment_method_unavailable"
    assert body["available_methods"] == ["bank_transfer"]
    assert result["order_after"] == "created"
    ready_status, ready = result["readyz"]
    assert ready_status == 200
    assert (ready["livemode"], ready["sandbox_components"], ready["provider_sandboxes"]) == (True, [], [])
    assert "SANDBOX" not in result["admin_header"]


@pytest.mark.redis
def test_production_with_named_sandbox_components_says_so_everywhere(tmp_path):
    result = _result(_production_env(tmp_path, SANDBOX_COMPONENTS="card,payouts"))
    assert result["gateways"] == {"bank_transfer": "BankTransferGateway", "card": "SandboxCardGateway"}
    assert result["payout_gateway"] == "SandboxPayoutGateway"
    assert result["erp_gateway"] is None
    for path, (status, _, _) in result["simulators"].items():
        assert status == 404, path
    status, _, payment = result["card"]
    assert status == 201, payment
    assert (payment["status"], payment["livemode"]) == ("captured", False)
    _, ready = result["readyz"]
    assert (ready["livemode"], ready["sandbox_components"]) == (True, ["card", "payouts"])
    assert result["admin_header"].endswith("SANDBOX: card, payouts")


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ("cashfree", "never mounted in production"),
        ("card,sap", "never mounted in production"),
        ("card,bitcoin", "unknown component(s) bitcoin"),
    ],
)
def test_production_refuses_to_start_with_a_simulator_or_an_unknown_component(tmp_path, components, message):
    done = _run(
        _production_env(tmp_path, SANDBOX_COMPONENTS=components),
        "import sys; sys.path[:0] = ['.'];import settings.main",
    )
    assert done.returncode != 0
    assert message in done.stderr


def test_the_startup_log_names_the_sandbox_components(tmp_path):
    env = _production_env(tmp_path, SANDBOX_COMPONENTS="card", LOG_LEVEL="INFO", LOG_FORMAT="json")
    done = _run(
        env,
        "import os, sys; sys.path[:0] = ['src', '.']; "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'settings.main'); import django; django.setup()",
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (done.stdout + done.stderr).splitlines() if line.startswith("{")]
    [startup] = [line for line in lines if line.get("event") == "sandbox_components_in_use"]
    assert (startup["level"], startup["livemode"], startup["sandbox_components"]) == ("warning", True, ["card"])
